/** State files written whole or not at all, under a lock the relay and its commands share. */
import { randomBytes } from "node:crypto";
import {
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { open } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/**
 * How state files are opened for reading: never through a symbolic link (where the platform has
 * O_NOFOLLOW), and without waiting (a FIFO put in a file's place would block the opening until someone
 * writes to it). Windows has neither flag, nor FIFOs in a folder.
 */
const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
/** A new lock: created, never opened if something (a link included) is already there. */
const LOCK_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);

/** Something other than a regular file (a FIFO, a device, a folder) where a state file should be. */
export class NotRegularFile extends Error {
  readonly code = "ENOTREGULAR";
  constructor(readonly path: string) {
    super(`${basename(path)} is not a regular file.`);
    this.name = "NotRegularFile";
  }
}

/** Reads a state file whole, refusing a symbolic link or anything but a regular file without blocking on it. */
export function readStateFile(path: string): string {
  const fd = openSync(path, READ_FLAGS);
  try {
    if (!fstatSync(fd).isFile()) throw new NotRegularFile(path);
    return readFileSync(fd, "utf8");
  } finally {
    closeSync(fd);
  }
}

/** {@link readStateFile} without holding the event loop: for the request path. */
export async function readStateFileAsync(path: string): Promise<string> {
  const file = await open(path, READ_FLAGS);
  try {
    if (!(await file.stat()).isFile()) throw new NotRegularFile(path);
    return await file.readFile("utf8");
  } finally {
    await file.close();
  }
}

/** Errors Windows gives for a moment while an antivirus, indexer or sync tool holds a file. */
const TRANSIENT = new Set(["EPERM", "EBUSY", "EACCES"]);

/** Waits without an event loop: state files are written by synchronous code, rarely, and briefly. */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Runs `step`, retrying Windows' transient sharing errors (EPERM, EBUSY, EACCES) for up to about two seconds. */
export function retryTransient<T>(step: () => T): T {
  for (let attempt = 0; ; attempt++) {
    try {
      return step();
    } catch (error) {
      if (attempt >= 20 || !TRANSIENT.has((error as NodeJS.ErrnoException).code ?? "")) throw error;
      pause(10 * (attempt + 1));
    }
  }
}

const TEMPORARY = /^\.(.+)\.(\d+)\.[0-9a-f]{8}\.tmp$/;

/**
 * Replaces `path` with `data` so that a reader, a crash or a power cut sees either the old file or
 * the new one, never a part: written to a temporary file beside it, flushed to the disk, then
 * renamed over it (retried while Windows holds the file for a moment). Readable by its owner only.
 */
export function writeStateFile(path: string, data: string): void {
  const folder = dirname(path);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const temporary = join(folder, `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const fd = openSync(temporary, "wx", 0o600);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    retryTransient(() => renameSync(temporary, path));
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  syncFolder(folder);
}

/** Flushes the folder's entry for the rename too (POSIX); Windows has no such call, and NTFS journals it. */
function syncFolder(folder: string): void {
  if (process.platform === "win32") return;
  try {
    const fd = openSync(folder, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some file systems refuse to sync a folder; the rename itself is still atomic.
  }
}

/** Removes temporary files that a process killed in the middle of {@link writeStateFile} left in `folder`. */
export function removeStaleTemporaries(folder: string): void {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  for (const name of names) {
    const match = TEMPORARY.exec(name);
    if (match && !isAlive(Number(match[2]))) rmSync(join(folder, name), { force: true });
  }
}

/** Whether a process with this id runs (on Windows as elsewhere: signal 0 only checks). */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Another process holds the lock for longer than a write could take. */
export class StateLockTimeout extends Error {
  constructor(readonly path: string) {
    super(`Another Passerelle process is still writing ${basename(path)}.`);
    this.name = "StateLockTimeout";
  }
}

/**
 * A lock older than this is taken over even if its process seems alive: a write takes milliseconds,
 * and Windows soon gives a dead holder's id to another process.
 */
const STALE_LOCK_MS = 8_000;

/**
 * Runs `update` while holding `<path>.lock`, the one lock every Passerelle process takes before a
 * read-modify-write of `path`: the relay, `pair --cli` and `revoke` alike. A lock left by a process
 * that died is taken over. Waits up to `waitMs`, then throws {@link StateLockTimeout}.
 */
export function withStateLock<T>(path: string, update: () => T, waitMs = 15_000): T {
  const lock = `${path}.lock`;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const deadline = Date.now() + waitMs;
  let fd: number | undefined;
  for (let attempt = 0; fd === undefined; attempt++) {
    try {
      fd = openSync(lock, LOCK_FLAGS, 0o600);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "EEXIST" && !TRANSIENT.has(code ?? "")) throw error;
      if (code === "EEXIST" && takeOverIfStale(lock)) continue;
      if (Date.now() > deadline) throw new StateLockTimeout(path);
      pause(Math.min(2 + attempt, 25));
    }
  }
  try {
    writeSync(fd, String(process.pid));
    return update();
  } finally {
    closeSync(fd);
    retryTransient(() => rmSync(lock, { force: true }));
  }
}

/** Removes a lock whose process is gone, or that no Passerelle process made; true when it did. */
function takeOverIfStale(lock: string): boolean {
  let holder: number | undefined;
  let age = Number.POSITIVE_INFINITY;
  try {
    age = Date.now() - lstatSync(lock).mtimeMs;
    holder = Number(readStateFile(lock));
  } catch (error) {
    // Not a file (a FIFO, a link): no Passerelle process made it, and it is no one's lock.
    const foreign = error instanceof NotRegularFile || (error as NodeJS.ErrnoException).code === "ELOOP";
    if (!foreign) return true; // released meanwhile: try again at once
  }
  // An empty lock is one being written this very moment, unless it has been empty for a while.
  const dead = holder === undefined || (holder ? !isAlive(holder) : age > 2_000);
  if (!dead && age < STALE_LOCK_MS) return false;
  // Renamed first, so that of two processes taking over the same stale lock only one removes it.
  const aside = `${lock}.${process.pid}.${randomBytes(4).toString("hex")}.stale`;
  try {
    renameSync(lock, aside);
  } catch {
    return true;
  }
  // Another process may have taken it over and locked again between our read and the rename: give that lock back.
  if (holder !== undefined && Number(readAside(aside)) !== holder) {
    try {
      linkSync(aside, lock);
    } catch {
      // a third process locked meanwhile; the one we moved is released, as its holder will find
    }
  }
  rmSync(aside, { force: true });
  return true;
}

/** The holder written in a lock moved aside; empty when it is not a file the relay could have written. */
function readAside(path: string): string {
  try {
    return readStateFile(path);
  } catch {
    return "";
  }
}
