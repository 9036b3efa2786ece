// @peculiar/x509 loads tsyringe, which wants the `reflect-metadata` polyfill; this is the little of it that it uses.
const store = new WeakMap<object, Map<unknown, unknown>>();
const reflect = Reflect as unknown as Record<string, unknown>;

function metadataOf(target: object, key: unknown): Map<unknown, unknown> | undefined {
  return store.get(target) && (store.get(target) as Map<unknown, unknown>).has(key) ? store.get(target) : undefined;
}

if (typeof reflect.getMetadata !== "function") {
  reflect.defineMetadata = (key: unknown, value: unknown, target: object) => {
    const map = store.get(target) ?? new Map<unknown, unknown>();
    map.set(key, value);
    store.set(target, map);
  };
  reflect.getOwnMetadata = (key: unknown, target: object) => metadataOf(target, key)?.get(key);
  reflect.getMetadata = (key: unknown, target: object): unknown => {
    for (let current: object | null = target; current; current = Object.getPrototypeOf(current) as object | null) {
      const found = metadataOf(current, key);
      if (found) return found.get(key);
    }
    return undefined;
  };
  reflect.hasMetadata = (key: unknown, target: object) => metadataOf(target, key) !== undefined;
  reflect.metadata = (key: unknown, value: unknown) => (target: object) => {
    (reflect.defineMetadata as (k: unknown, v: unknown, t: object) => void)(key, value, target);
  };
}

export {};
