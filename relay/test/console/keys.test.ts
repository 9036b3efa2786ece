import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { listenForKeys } from "../../src/console/keys.js";

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
