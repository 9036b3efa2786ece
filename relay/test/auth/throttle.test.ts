import { describe, expect, it } from "vitest";
import { createFailureThrottle } from "../../src/auth/throttle.js";

function clock() {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("failure throttle", () => {
  it("blocks an address after its failures, for what is left of the window", () => {
    const time = clock();
    const throttle = createFailureThrottle({ perAddress: 5, windowMs: 60_000, now: time.now });
    for (let i = 0; i < 4; i++) throttle.fail("10.0.0.5");
    expect(throttle.addressWait("10.0.0.5")).toBe(0);
    throttle.fail("10.0.0.5");
    expect(throttle.addressWait("10.0.0.5")).toBe(60);
    expect(throttle.addressWait("10.0.0.6")).toBe(0);
    time.advance(45_000);
    expect(throttle.addressWait("10.0.0.5")).toBe(15);
    time.advance(15_000);
    expect(throttle.addressWait("10.0.0.5")).toBe(0);
  });

  it("stops an attacker who changes address with a global budget", () => {
    const time = clock();
    const throttle = createFailureThrottle({ perAddress: 5, global: 100, windowMs: 60_000, now: time.now });
    for (let i = 0; i < 100; i++) throttle.fail(`10.0.${i >> 8}.${i & 255}`);
    expect(throttle.addressWait("10.0.0.1")).toBe(0);
    expect(throttle.globalWait()).toBe(60);
    time.advance(60_000);
    expect(throttle.globalWait()).toBe(0);
  });

  it("remembers a bounded number of addresses, forgetting expired and unlocked ones before a live lockout", () => {
    const time = clock();
    const throttle = createFailureThrottle({ perAddress: 2, global: 1e9, maxAddresses: 1000, now: time.now });
    throttle.fail("locked");
    throttle.fail("locked");
    expect(throttle.addressWait("locked")).toBe(60);
    // 10,000 other addresses, one failure each: the table stays bounded and the locked address stays locked.
    for (let i = 0; i < 10_000; i++) throttle.fail(`addr-${i}`);
    expect(throttle.addressWait("locked")).toBe(60);
    throttle.fail("addr-9999");
    expect(throttle.addressWait("addr-9999")).toBe(60);
    // An address forgotten to make room starts again from nothing.
    throttle.fail("addr-0");
    expect(throttle.addressWait("addr-0")).toBe(0);
  });

  it("forgets expired lockouts before live ones", () => {
    const time = clock();
    const throttle = createFailureThrottle({ perAddress: 1, global: 1e9, maxAddresses: 3, now: time.now });
    throttle.fail("old");
    time.advance(61_000);
    throttle.fail("live-1");
    throttle.fail("live-2");
    throttle.fail("live-3");
    expect(["old", "live-1", "live-2", "live-3"].map((a) => throttle.addressWait(a))).toEqual([0, 60, 60, 60]);
    // Full of live lockouts: a new address is counted globally but cannot push one out.
    throttle.fail("newcomer");
    expect(["live-1", "live-2", "live-3"].map((a) => throttle.addressWait(a))).toEqual([60, 60, 60]);
  });
});
