// @peculiar/x509 loads tsyringe, which insists on the `reflect-metadata` polyfill; this is the little of it that it uses.
const store = new WeakMap<object, Map<unknown, unknown>>();
const reflect = Reflect as unknown as Record<string, unknown>;

function own(target: object, key: unknown): Map<unknown, unknown> | undefined {
  const map = store.get(target);
  return map?.has(key) ? map : undefined;
}

if (typeof reflect.getMetadata !== "function") {
  reflect.defineMetadata = (key: unknown, value: unknown, target: object) => {
    const map = store.get(target) ?? new Map<unknown, unknown>();
    map.set(key, value);
    store.set(target, map);
  };
  reflect.getOwnMetadata = (key: unknown, target: object) => own(target, key)?.get(key);
  reflect.getMetadata = (key: unknown, target: object): unknown => {
    for (let at: object | null = target; at; at = Object.getPrototypeOf(at) as object | null) {
      const map = own(at, key);
      if (map) return map.get(key);
    }
    return undefined;
  };
  reflect.hasMetadata = (key: unknown, target: object) => own(target, key) !== undefined;
  reflect.metadata = (key: unknown, value: unknown) => (target: object) =>
    (reflect.defineMetadata as (k: unknown, v: unknown, t: object) => void)(key, value, target);
}

export {};
