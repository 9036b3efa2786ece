import { describe, expect, it } from "vitest";
import { relayHome } from "../../src/security/home.js";
import { createFailureThrottle } from "../../src/security/throttle.js";

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

  it("remembers a bounded number of addresses", () => {
    const time = clock();
    const throttle = createFailureThrottle({ perAddress: 1, global: 1e9, maxAddresses: 1000, now: time.now });
    throttle.fail("first");
    expect(throttle.addressWait("first")).toBeGreaterThan(0);
    for (let i = 0; i < 1000; i++) throttle.fail(`addr-${i}`);
    // The oldest was forgotten to make room; the global budget still counted every failure.
    expect(throttle.addressWait("first")).toBe(0);
    expect(throttle.addressWait("addr-999")).toBeGreaterThan(0);
  });
});

describe("the relay's home", () => {
  it("follows each platform's convention, and PASSERELLE_HOME overrides it", () => {
    expect(relayHome({ APPDATA: "C:\\Users\\lea\\AppData\\Roaming" }, "win32", "C:\\Users\\lea")).toBe(
      "C:\\Users\\lea\\AppData\\Roaming\\Passerelle",
    );
    expect(relayHome({}, "darwin", "/Users/lea")).toBe("/Users/lea/Library/Application Support/Passerelle");
    expect(relayHome({}, "linux", "/home/lea")).toBe("/home/lea/.config/passerelle");
    expect(relayHome({ XDG_CONFIG_HOME: "/x" }, "linux", "/home/lea")).toBe("/x/passerelle");
    expect(relayHome({ PASSERELLE_HOME: "/srv/p" }, "win32", "C:\\")).toBe("/srv/p");
  });
});
