import { hash, randomBytes, timingSafeEqual } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { writePrivateFile } from "./home.js";

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

/**
 * The paired devices, kept in one JSON file (mode 0600). Lookups are a Map read; the file is read
 * again only when its identity (mtime, size, inode) changed, so `passerelle revoke` run in another
 * process takes effect on the next request.
 */
export class DeviceRegistry {
  private byDigest = new Map<string, DeviceRecord>();
  /** The file's identity when last read (mtime, size, inode; -1s when there was no file); NaN: read again. */
  private mtimeMs = NaN;
  private size = NaN;
  private ino = NaN;

  constructor(readonly path: string) {}

  /** Whether the file changed since it was last read, noting its identity if so (numbers compared, no text built). */
  private changed(): boolean {
    const stat = statSync(this.path, { throwIfNoEntry: false });
    const mtimeMs = stat ? stat.mtimeMs : -1;
    const size = stat ? stat.size : -1;
    const ino = stat ? stat.ino : -1;
    if (mtimeMs === this.mtimeMs && size === this.size && ino === this.ino) return false;
    this.mtimeMs = mtimeMs;
    this.size = size;
    this.ino = ino;
    return true;
  }

  private readAll(): DeviceRecord[] {
    try {
      const parsed = JSON.parse(readFileSync(this.path, "utf8")) as { devices?: DeviceRecord[] };
      return Array.isArray(parsed.devices) ? parsed.devices : [];
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      // A damaged file must not open the relay to everyone: no device matches until it is fixed.
      return [];
    }
  }

  private refresh(): void {
    if (!this.changed()) return;
    this.byDigest = new Map(this.readAll().map((device) => [device.tokenSha256, device]));
  }

  /** The device whose token has this digest, compared in constant time. */
  find(digest: Buffer): DeviceRecord | undefined {
    this.refresh();
    const hex = digest.toString("hex");
    const device = this.byDigest.get(hex);
    if (!device) return undefined;
    return timingSafeEqual(Buffer.from(device.tokenSha256, "hex"), digest) ? device : undefined;
  }

  /** Every paired device, oldest first. */
  list(): DeviceRecord[] {
    return this.readAll();
  }

  /**
   * Pairs a device: returns its token, to be shown once. A name already in use gets a number,
   * so that `revoke NAME` always names one device.
   */
  add(name: string, kind: DeviceRecord["kind"]): { token: string; device: DeviceRecord } {
    const devices = this.readAll();
    const base = cleanDeviceName(name) || "device";
    let unique = base;
    for (let n = 2; devices.some((d) => d.name.toLowerCase() === unique.toLowerCase()); n++) unique = `${base} (${n})`;
    const token = newDeviceToken();
    const device: DeviceRecord = {
      name: unique,
      tokenSha256: tokenDigest(token).toString("hex"),
      pairedAt: new Date().toISOString(),
      kind,
    };
    this.write([...devices, device]);
    return { token, device };
  }

  /** Removes the device with this name (case ignored); false when there is none. */
  remove(name: string): boolean {
    const devices = this.readAll();
    const kept = devices.filter((d) => d.name.toLowerCase() !== name.trim().toLowerCase());
    if (kept.length === devices.length) return false;
    this.write(kept);
    return true;
  }

  private write(devices: DeviceRecord[]): void {
    writePrivateFile(this.path, JSON.stringify({ devices }, null, 2) + "\n");
    this.mtimeMs = NaN;
  }
}
