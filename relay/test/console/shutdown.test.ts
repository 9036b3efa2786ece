import { EventEmitter } from "node:events";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { listenForKeys } from "../../src/console/keys.js";
import { CLOSE_GRACE_MS, createShutdown, onStopSignals, type StopReason } from "../../src/console/shutdown.js";

/** A terminal in raw mode, as Windows' console hands keys over: bytes on stdin. */
function terminal() {
  const input = Object.assign(new PassThrough(), {
    isTTY: true,
    raw: [] as boolean[],
    setRawMode(mode: boolean) {
      input.raw.push(mode);
    },
  });
  return input;
}

function recorder() {
  const events: string[] = [];
  let finish: () => void = () => undefined;
  const options = {
    stop: (graceMs: number) => {
      events.push(`stop ${graceMs}`);
      return new Promise<void>((resolve) => (finish = resolve));
    },
    graceMs: 10_000,
    print: (line: string) => void events.push(line),
    exit: (code: number) => void events.push(`exit ${code}`),
  };
  return { events, options, finish: () => finish() };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("stopping the relay", () => {
  it("says Stopping, lets the answers in flight finish, then exits 0", async () => {
    const { events, options, finish } = recorder();
    createShutdown(options)("interrupt");
    expect(events).toEqual(
      ["stop 10000", expect.stringMatching(/^Stopping: finishing the answers in flight/)].reverse(),
    );
    await tick();
    expect(events).not.toContain("exit 0");
    finish();
    await tick();
    expect(events.at(-1)).toBe("exit 0");
  });

  it("quits at once on a second Ctrl+C", () => {
    const { events, options } = recorder();
    const shutdown = createShutdown(options);
    shutdown("interrupt");
    shutdown("interrupt");
    expect(events.at(-1)).toBe("exit 130");
  });

  it("when the window closes, finishes within the few seconds Windows gives", () => {
    const { events, options } = recorder();
    createShutdown(options)("close");
    expect(events).toContain(`stop ${CLOSE_GRACE_MS}`);
    expect(CLOSE_GRACE_MS).toBeLessThan(5_000);
  });

  it("still stops when the window is already gone and printing fails", async () => {
    const { events, options, finish } = recorder();
    createShutdown({
      ...options,
      print: () => {
        throw Object.assign(new Error("write EPIPE"), { code: "EPIPE" });
      },
    })("close");
    finish();
    await tick();
    expect(events.at(-1)).toBe("exit 0");
  });

  it("routes Ctrl+C, Ctrl+Break, the window closing and SIGTERM to the one shutdown", () => {
    const target = new EventEmitter();
    const reasons: StopReason[] = [];
    const remove = onStopSignals((reason) => reasons.push(reason), target as unknown as NodeJS.Process);
    for (const signal of ["SIGINT", "SIGBREAK", "SIGHUP", "SIGTERM"]) target.emit(signal);
    expect(reasons).toEqual(["interrupt", "interrupt", "close", "terminate"]);
    remove();
    expect(target.listenerCount("SIGINT") + target.listenerCount("SIGHUP")).toBe(0);
  });
});

describe("keys typed in the relay's window", () => {
  it("Ctrl+C as the key \\x03 (raw mode) calls the stop, p pairs, f is ignored unless offered", () => {
    const input = terminal();
    const calls: string[] = [];
    const release = listenForKeys(input, { stop: () => calls.push("stop"), pair: () => calls.push("pair") });
    expect(input.raw).toEqual([true]);
    input.write("pf\u0003");
    expect(calls).toEqual(["pair", "stop"]);
    release();
    expect(input.raw).toEqual([true, false]);
    input.write("\u0003");
    expect(calls).toEqual(["pair", "stop"]);
  });

  it("f runs the firewall action when offered", () => {
    const input = terminal();
    const calls: string[] = [];
    listenForKeys(input, { stop: () => undefined, pair: () => undefined, firewall: () => calls.push("firewall") });
    input.write("F");
    expect(calls).toEqual(["firewall"]);
  });

  it("reads nothing when the input is not a terminal (a service, a pipe)", () => {
    const input = new PassThrough();
    const calls: string[] = [];
    listenForKeys(input, { stop: () => calls.push("stop"), pair: () => calls.push("pair") });
    input.write("\u0003p");
    expect(calls).toEqual([]);
  });
});
