import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { relayDir } from "../scripts/build-relay.ts";

const PRELOAD = fileURLToPath(new URL("./support/tty-preload.cjs", import.meta.url));
const roots: string[] = [];
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) child.kill("SIGKILL");
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** The relay as a person starts it in a console window: stdin a terminal in raw mode (see tty-preload.cjs). */
function startInWindow(home: string, args: string[]) {
  const child = spawn(
    process.execPath,
    ["--require", PRELOAD, "bin/passerelle.js", "--host", "127.0.0.1", "--no-mdns", ...args],
    { cwd: relayDir, env: { PATH: process.env.PATH, PASSERELLE_HOME: home }, stdio: ["pipe", "pipe", "pipe"] },
  );
  children.push(child);
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString("utf8")));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString("utf8")));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const waitFor = (pattern: RegExp, timeoutMs = 10_000) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`never printed ${pattern}:\n${output}`)), timeoutMs);
      const look = () => {
        const found = pattern.exec(output);
        if (found) {
          clearTimeout(timer);
          child.stdout!.off("data", look);
          resolve(found);
        }
      };
      child.stdout!.on("data", look);
      look();
    });
  return { child, exited, waitFor, output: () => output };
}

function freshHome(): string {
  const root = mkdtempSync(join(tmpdir(), "passerelle-first-"));
  roots.push(root);
  return join(root, "home");
}

describe("the relay in its window", () => {
  it("shows a pairing code at once while nothing is paired", async () => {
    const relay = startInWindow(freshHome(), ["--port", "0"]);
    await relay.waitFor(/Pairing code:\s+\S+/);
    expect(relay.output()).toContain("Next: pair the Mac.");
    relay.child.kill("SIGINT");
    expect(await relay.exited).toBe(0);
  }, 20_000);

  it("stops on Ctrl+C typed as the key \\x03: Stopping, relay.json removed, exit 0", async () => {
    const home = freshHome();
    const relay = startInWindow(home, ["--port", "0"]);
    await relay.waitFor(/Press Ctrl\+C to stop\./);
    expect(existsSync(join(home, "relay.json"))).toBe(true);
    relay.child.stdin!.write("\u0003");
    expect(await relay.exited).toBe(0);
    expect(relay.output()).toContain("Stopping");
    expect(existsSync(join(home, "relay.json"))).toBe(false);
  }, 20_000);

  it("stops the same way when its window closes (SIGHUP), well within the seconds Windows gives", async () => {
    const home = freshHome();
    const relay = startInWindow(home, ["--port", "0"]);
    await relay.waitFor(/Press Ctrl\+C to stop\./);
    const closedAt = performance.now();
    relay.child.kill("SIGHUP");
    expect(await relay.exited).toBe(0);
    expect(performance.now() - closedAt).toBeLessThan(4_000);
    expect(relay.output()).toContain("Stopping");
    expect(existsSync(join(home, "relay.json"))).toBe(false);
  }, 20_000);

  it("pair --cli names 127.0.0.1 for a relay that listens on loopback only", async () => {
    const home = freshHome();
    const relay = startInWindow(home, ["--port", "0"]);
    const [, port] = await relay.waitFor(/listening on port (\d+)/);
    await relay.waitFor(/Press Ctrl\+C to stop\./);
    const pair = spawn(process.execPath, ["bin/passerelle.js", "pair", "--cli", "a script"], {
      cwd: relayDir,
      env: { PATH: process.env.PATH, PASSERELLE_HOME: home },
    });
    let printed = "";
    pair.stdout.on("data", (d: Buffer) => (printed += d.toString("utf8")));
    expect(await new Promise((resolve) => pair.once("exit", resolve))).toBe(0);
    expect(printed).toContain(`Base URL:      https://127.0.0.1:${port}/v1`);
    relay.child.stdin!.write("\u0003");
    expect(await relay.exited).toBe(0);
  }, 20_000);

  it("started again on the same port, shows the running relay and a pairing code from it instead of failing", async () => {
    const home = freshHome();
    const first = startInWindow(home, ["--port", "0"]);
    const [, port] = await first.waitFor(/listening on port (\d+)/);
    await first.waitFor(/Press Ctrl\+C to stop\./);
    const second = startInWindow(home, ["--port", port!]);
    expect(await second.exited).toBe(0);
    expect(second.output()).toMatch(/The relay is already running on this PC \(process \d+, 127\.0\.0\.1:\d+/);
    expect(second.output()).toMatch(/Pairing code:\s+\S+/);
    expect(second.output()).not.toContain("already in use");
    first.child.stdin!.write("\u0003");
    expect(await first.exited).toBe(0);
  }, 30_000);

  it("still says the port is busy when something else holds it", async () => {
    const other = startInWindow(freshHome(), ["--port", "0"]);
    const [, port] = await other.waitFor(/listening on port (\d+)/);
    const second = startInWindow(freshHome(), ["--port", port!]);
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain("the port is already in use");
    other.child.kill("SIGINT");
    await other.exited;
  }, 30_000);
});
