import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  removeStaleTemporaries,
  retryTransient,
  StateLockTimeout,
  withStateLock,
  writeStateFile,
} from "../../src/state/state-file.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "passerelle-state-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The id of a process that has ended. */
function deadPid(): number {
  return spawnSync(process.execPath, ["-e", "process.exit(0)"]).pid!;
}

describe("state files", () => {
  it("replace the file whole, owner-only, and leave no temporary file behind", () => {
    const path = join(dir, "devices.json");
    writeStateFile(path, "first\n");
    writeStateFile(path, "second\n");
    expect(readFileSync(path, "utf8")).toBe("second\n");
    if (process.platform !== "win32") expect(statSync(path).mode & 0o077).toBe(0);
    expect(readdirSync(dir)).toEqual(["devices.json"]);
  });

  it("retry Windows' transient sharing errors, and give up on others at once", () => {
    let calls = 0;
    const flaky = () => {
      if (++calls < 3) throw Object.assign(new Error("busy"), { code: calls === 1 ? "EBUSY" : "EPERM" });
      return "done";
    };
    expect(retryTransient(flaky)).toBe("done");
    expect(calls).toBe(3);
    let other = 0;
    expect(() =>
      retryTransient(() => {
        other++;
        throw Object.assign(new Error("gone"), { code: "ENOENT" });
      }),
    ).toThrow("gone");
    expect(other).toBe(1);
  });

  it("remove the temporary files of a writer that died, and only those", () => {
    writeFileSync(join(dir, `.devices.json.${deadPid()}.0123abcd.tmp`), "half");
    writeFileSync(join(dir, `.devices.json.${process.pid}.89abcdef.tmp`), "being written");
    removeStaleTemporaries(dir);
    expect(readdirSync(dir)).toEqual([`.devices.json.${process.pid}.89abcdef.tmp`]);
  });
});

describe("the registry lock", () => {
  it("takes over a lock left by a process that died", () => {
    const path = join(dir, "devices.json");
    writeFileSync(`${path}.lock`, String(deadPid()));
    const started = Date.now();
    expect(withStateLock(path, () => "mine", 2000)).toBe("mine");
    expect(Date.now() - started).toBeLessThan(1000);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("takes over a lock too old for any write, even when its process id is alive again (reused)", () => {
    const path = join(dir, "devices.json");
    writeFileSync(`${path}.lock`, String(process.pid));
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${path}.lock`, old, old);
    expect(withStateLock(path, () => "mine", 2000)).toBe("mine");
  });

  it("waits for a live holder, then says another process holds it", () => {
    const path = join(dir, "devices.json");
    // This process holds it (as another thread would): alive, so never taken over.
    writeFileSync(`${path}.lock`, String(process.pid));
    expect(() => withStateLock(path, () => "never", 200)).toThrow(StateLockTimeout);
    rmSync(`${path}.lock`);
    expect(withStateLock(path, () => "now", 200)).toBe("now");
  });
});
