/** The list of paired devices (devices.json): token hashes only, written whole, a damaged file kept aside. */
import { hash, randomBytes, timingSafeEqual } from "node:crypto";
import { readdirSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { NotRegularFile, readStateFile, readStateFileAsync, withStateLock, writeStateFile } from "./state-file.js";

/** The file that lists the paired devices, in the relay's folder. */
export const DEVICES_FILE = "devices.json";

/** A paired device as stored: its name, when it was paired, and the SHA-256 of its token (never the token). */
export interface DeviceRecord {
  name: string;
  tokenSha256: string;
  pairedAt: string;
  kind: "app" | "cli";
}

/** Device tokens start with this, so a combined `psr_<token>.<OpenAI key>` can be told apart from a key. */
export const TOKEN_PREFIX = "psr_";
/** Longest token worth hashing; anything longer is refused at once. */
export const MAX_TOKEN_LENGTH = 128;

/** SHA-256 of a token, the only form in which the relay keeps it. */
export function tokenDigest(token: string): Buffer {
  return hash("sha256", token, "buffer");
}

/** A fresh 256-bit device token. */
export function newDeviceToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString("base64url");
}

/** A device name as people type it, trimmed to printable characters. */
export function cleanDeviceName(name: string): string {
  return name
    .replace(/[^\p{L}\p{N} ._'()-]/gu, "")
    .trim()
    .slice(0, 64);
}

/** What is wrong with the registry file, and where the relay kept a copy of it as it was found. */
export interface RegistryDamage {
  /** In words, e.g. "it does not parse as JSON (it may have been cut short)". */
  reason: string;
  /** The copy kept beside the file, e.g. `…/devices.json.damaged-2026-12-02T02-45-10Z`; absent when it could not be read. */
  keptAt?: string;
  /** Devices the file still names correctly: they keep working. */
  readable: number;
  /** Devices in the last good copy (`devices.json.bak`), which `passerelle devices --restore` puts back. */
  inBackup: number | undefined;
}

/** Pairing and revoking wait until the person chooses what to do with a damaged registry. */
export class RegistryDamagedError extends Error {
  constructor(readonly damage: RegistryDamage) {
    super(`The list of paired devices is damaged: ${damage.reason}.`);
    this.name = "RegistryDamagedError";
  }
}

/** Words for the person at the relay: what happened and the two ways out, as `typed` at their prompt. */
export function damageNotice(damage: RegistryDamage, file: string, typed = "passerelle"): string {
  const kept = damage.keptAt ? ` A copy of it as found is kept at ${damage.keptAt}.` : "";
  const devices = (n: number) => `${n} device${n === 1 ? "" : "s"}`;
  const restore =
    damage.inBackup !== undefined
      ? `To put back the last good list (${devices(damage.inBackup)}):\n  ${typed} devices --restore\n`
      : "";
  return `The list of paired devices (${file}) is damaged: ${damage.reason}.${kept}
${devices(damage.readable)} ${damage.readable === 1 ? "still works" : "still work"}; the relay pairs no new device until you choose.
${restore}To start afresh (every device pairs again):
  ${typed} devices --reset
`;
}

function isDeviceRecord(value: unknown): value is DeviceRecord {
  const d = value as Partial<DeviceRecord> | null;
  return (
    typeof d === "object" &&
    d !== null &&
    typeof d.name === "string" &&
    d.name.length > 0 &&
    d.name.length <= 200 &&
    typeof d.tokenSha256 === "string" &&
    /^[0-9a-f]{64}$/.test(d.tokenSha256) &&
    typeof d.pairedAt === "string" &&
    (d.kind === "app" || d.kind === "cli")
  );
}

/** The devices a registry text names, and what is wrong with it, if anything. */
export function parseRegistry(text: string): { devices: DeviceRecord[]; problem?: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { devices: [], problem: "it does not parse as JSON (it may have been cut short)" };
  }
  const list = (parsed as { devices?: unknown } | null)?.devices;
  if (!Array.isArray(list)) return { devices: [], problem: "it holds no list of devices" };
  const devices = list.filter(isDeviceRecord);
  if (devices.length === list.length) return { devices };
  const bad = list.findIndex((entry) => !isDeviceRecord(entry));
  return { devices, problem: `entry ${bad + 1} of ${list.length} is not a paired device` };
}

const stamp = (date: Date) =>
  date
    .toISOString()
    .replace(/\.\d+Z$/, "Z")
    .replace(/:/g, "-");

/**
 * The paired devices, kept in one JSON file (owner only), with a copy of the last good list in
 * `devices.json.bak`. Lookups are a Map read; the file is read again only when its identity (mtime,
 * size, inode) changed, so `passerelle revoke` run in another process takes effect on the next
 * request. Every change happens under the registry's lock and is written atomically; a file that
 * is damaged is never written over until the person chooses (`restore` or `reset`).
 */
export class DeviceRegistry {
  private byDigest = new Map<string, DeviceRecord>();
  private devices: DeviceRecord[] = [];
  private damage: RegistryDamage | undefined;
  /** The file's identity when last read (mtime, size, inode; -1s when there was no file); NaN: read again. */
  private mtimeMs = NaN;
  private size = NaN;
  private ino = NaN;
  /** Told once for each damage found (the relay prints it). */
  onDamage: ((damage: RegistryDamage) => void) | undefined;
  /** The request path's read of the file, while one is under way. */
  private reading: Promise<void> | undefined;
  /** How many times a change of the file was noted. */
  private noted = 0;

  constructor(readonly path: string) {}

  get backupPath(): string {
    return `${this.path}.bak`;
  }

  /** Whether the file changed since it was last read, noting its identity if so (numbers compared, no text built). */
  private changed(): boolean {
    const stat = statSync(this.path, { throwIfNoEntry: false });
    const mtimeMs = stat ? stat.mtimeMs : -1;
    const size = stat ? stat.size : -1;
    const ino = stat ? stat.ino : -1;
    if (mtimeMs === this.mtimeMs && size === this.size && ino === this.ino) return false;
    this.noted++;
    this.mtimeMs = mtimeMs;
    this.size = size;
    this.ino = ino;
    return true;
  }

  private refresh(): void {
    if (!this.changed()) return;
    this.take(this.interpret(readQuietly(this.path)));
  }

  /** What the request path awaits: the file read again, without holding the event loop, if it changed. */
  private async refreshLater(): Promise<void> {
    // A read in flight is waited for: no request sees the list from before a change another one saw.
    while (this.reading) await this.reading;
    if (!this.changed()) return;
    const noted = this.noted;
    this.reading = readQuietlyLater(this.path).then((read) => {
      this.reading = undefined;
      // Read again meanwhile by the console or a command (status()): that newer list stays.
      if (noted === this.noted) this.take(this.interpret(read));
    });
    await this.reading;
  }

  private take({ devices, damage }: { devices: DeviceRecord[]; damage?: RegistryDamage }): void {
    this.devices = devices;
    this.byDigest = new Map(devices.map((device) => [device.tokenSha256, device]));
    const isNew = damage && damage.keptAt !== this.damage?.keptAt;
    this.damage = damage;
    if (isNew) this.onDamage?.(damage);
  }

  /** The devices in the file as read; a damaged one is copied aside once (never changed in place). */
  private interpret(read: FileRead): { devices: DeviceRecord[]; damage?: RegistryDamage } {
    if (read.text === undefined) {
      const code = (read.error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return { devices: [] };
      // Perhaps held by another program for a moment (Windows): read again on the next request, never wait here.
      this.mtimeMs = NaN;
      const reason = read.error instanceof NotRegularFile ? "it is not a regular file" : `it cannot be read (${code})`;
      return { devices: [], damage: { reason, readable: 0, inBackup: this.backupCount() } };
    }
    const { devices, problem } = parseRegistry(read.text);
    if (!problem) return { devices };
    // A damaged list must not open the relay to anyone: only the entries that are whole still match.
    return {
      devices,
      damage: {
        reason: problem,
        keptAt: this.keepAside(read.text),
        readable: devices.length,
        inBackup: this.backupCount(),
      },
    };
  }

  /** Keeps the damaged file beside, once per content: `devices.json.damaged-<time>`. */
  private keepAside(text: string): string | undefined {
    const folder = dirname(this.path);
    const prefix = `${basename(this.path)}.damaged-`;
    try {
      for (const name of readdirSync(folder)) {
        if (name.startsWith(prefix) && readQuietly(join(folder, name)).text === text) return join(folder, name);
      }
      const kept = join(folder, prefix + stamp(new Date()));
      // The text as it was read, even if the file changes meanwhile.
      writeFileSync(kept, text, { mode: 0o600, flag: "wx" });
      return kept;
    } catch {
      return undefined;
    }
  }

  private backupCount(): number | undefined {
    try {
      const { devices, problem } = parseRegistry(readStateFile(this.backupPath));
      return problem ? undefined : devices.length;
    } catch {
      return undefined;
    }
  }

  /** The device whose token has this digest, compared in constant time. */
  find(digest: Buffer): DeviceRecord | undefined {
    this.refresh();
    return this.match(digest);
  }

  /** {@link find} for the request path: the file, if it changed, is read without holding the event loop. */
  async lookup(digest: Buffer): Promise<DeviceRecord | undefined> {
    await this.refreshLater();
    return this.match(digest);
  }

  /** What is wrong with the file as last read, if anything (read again by {@link lookup} and {@link status}). */
  lastDamage(): RegistryDamage | undefined {
    return this.damage;
  }

  private match(digest: Buffer): DeviceRecord | undefined {
    const hex = digest.toString("hex");
    const device = this.byDigest.get(hex);
    if (!device) return undefined;
    return timingSafeEqual(Buffer.from(device.tokenSha256, "hex"), digest) ? device : undefined;
  }

  /** Every paired device that can be read, oldest first, and what is wrong with the file, if anything. */
  status(): { devices: DeviceRecord[]; damage: RegistryDamage | undefined } {
    this.refresh();
    return { devices: [...this.devices], damage: this.damage };
  }

  /** Every paired device, oldest first. */
  list(): DeviceRecord[] {
    return this.status().devices;
  }

  /** Reads, changes and writes the list under the lock; refuses while the file is damaged. */
  private update<T>(change: (devices: DeviceRecord[]) => { devices?: DeviceRecord[]; result: T }): T {
    return withStateLock(this.path, () => {
      this.mtimeMs = NaN;
      this.refresh();
      if (this.damage) throw new RegistryDamagedError(this.damage);
      const { devices, result } = change([...this.devices]);
      if (devices) this.write(devices);
      return result;
    });
  }

  /**
   * Pairs a device: returns its token, to be shown once, after the device is saved. A name already
   * in use gets a number, so that `revoke NAME` always names one device.
   */
  add(name: string, kind: DeviceRecord["kind"]): { token: string; device: DeviceRecord } {
    return this.update((devices) => {
      const base = cleanDeviceName(name) || "device";
      let unique = base;
      for (let n = 2; devices.some((d) => d.name.toLowerCase() === unique.toLowerCase()); n++)
        unique = `${base} (${n})`;
      const token = newDeviceToken();
      const device: DeviceRecord = {
        name: unique,
        tokenSha256: tokenDigest(token).toString("hex"),
        pairedAt: new Date().toISOString(),
        kind,
      };
      return { devices: [...devices, device], result: { token, device } };
    });
  }

  /** Removes the device with this name (case ignored); false when there is none. */
  remove(name: string): boolean {
    return this.update((devices) => {
      const kept = devices.filter((d) => d.name.toLowerCase() !== name.trim().toLowerCase());
      return kept.length === devices.length ? { result: false } : { devices: kept, result: true };
    });
  }

  /** Puts back the last good list (`devices.json.bak`) over a damaged file, already kept aside; the number of devices. */
  restore(): number {
    return withStateLock(this.path, () => {
      if (this.backupCount() === undefined)
        throw new Error(
          `there is no last good list to restore (${basename(this.backupPath)} is missing or damaged too); --reset starts afresh instead`,
        );
      const { devices } = parseRegistry(readStateFile(this.backupPath));
      this.keepAsideBeforeChoice();
      writeStateFile(this.path, serialise(devices));
      this.mtimeMs = NaN;
      return devices.length;
    });
  }

  /** Starts afresh with no device (the damaged file is kept aside). */
  reset(): void {
    withStateLock(this.path, () => {
      this.keepAsideBeforeChoice();
      this.write([]);
    });
  }

  /** Makes sure the file being replaced by a choice was kept aside, if it was damaged. */
  private keepAsideBeforeChoice(): void {
    this.mtimeMs = NaN;
    this.refresh();
  }

  private write(devices: DeviceRecord[]): void {
    const text = serialise(devices);
    // The backup first: if the process dies between the two writes, the backup holds the newer list.
    writeStateFile(this.backupPath, text);
    writeStateFile(this.path, text);
    this.mtimeMs = NaN;
  }
}

const serialise = (devices: DeviceRecord[]) => JSON.stringify({ devices }, null, 2) + "\n";

/** A state file's text, or why it could not be read. */
type FileRead = { text: string; error?: undefined } | { text?: undefined; error: unknown };

function readQuietly(path: string): FileRead {
  try {
    return { text: readStateFile(path) };
  } catch (error) {
    return { error };
  }
}

function readQuietlyLater(path: string): Promise<FileRead> {
  return readStateFileAsync(path).then(
    (text) => ({ text }),
    (error: unknown) => ({ error }),
  );
}
