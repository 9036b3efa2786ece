import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { CLOSE_GRACE_MS, createShutdown, onStopSignals, type StopReason } from "../../src/console/shutdown.js";

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
