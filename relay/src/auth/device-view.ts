import type { DeviceRegistry, RegistryDamage } from "../state/devices.js";
import type { DeviceLookup } from "./authority.js";

/** The paired devices as the main process sends them to its workers: whole, at start and after every change. */
export interface DeviceSnapshot {
  /** Each device's `[SHA-256 of its token in hex, name]`. */
  devices: Array<[string, string]>;
  damage?: RegistryDamage | undefined;
}

/** What the registry holds now, as sent to the workers. */
export function snapshotOf(registry: DeviceRegistry): DeviceSnapshot {
  const { devices, damage } = registry.status();
  return { devices: devices.map((d) => [d.tokenSha256, d.name]), damage };
}

/**
 * A worker's copy of the paired devices, replaced whole by the main process (the one writer of the list)
 * on every change: checking a token never waits on another process.
 */
export class DeviceView implements DeviceLookup {
  private byDigest = new Map<string, string>();
  private damage: RegistryDamage | undefined;

  constructor(snapshot: DeviceSnapshot) {
    this.replace(snapshot);
  }

  replace(snapshot: DeviceSnapshot): void {
    this.byDigest = new Map(snapshot.devices);
    this.damage = snapshot.damage;
  }

  /** The device whose token has this digest (a lookup by SHA-256 tells a guesser nothing about a token). */
  async lookup(digest: Buffer): Promise<{ name: string } | undefined> {
    const name = this.byDigest.get(digest.toString("hex"));
    return name === undefined ? undefined : { name };
  }

  lastDamage(): RegistryDamage | undefined {
    return this.damage;
  }
}
