import { afterEach, describe, expect, it } from "vitest";
import { closeRelayClients, holdRelayClients, relayClient, relayClientCount } from "./clients";

const relay = { address: "https://10.0.0.2:8787", scheme: "https" as const, deviceToken: "psr_a" };

afterEach(() => closeRelayClients());

describe("relayClient", () => {
  it("gives the same client for the same relay, and another for another relay or device token", () => {
    const first = relayClient(relay, "sk-test-1");
    expect(relayClient({ ...relay }, "sk-test-1")).toBe(first);
    expect(relayClient({ ...relay, address: "https://10.0.0.3:8787" }, "sk-test-1")).not.toBe(first);
    expect(relayClient({ ...relay, deviceToken: "psr_b" }, "sk-test-1")).not.toBe(first);
    expect(relayClientCount()).toBe(3);
  });

  it("replaces the relay's client when the key changes", () => {
    const first = relayClient(relay, "sk-test-1");
    const second = relayClient(relay, "sk-test-2");
    expect(second).not.toBe(first);
    expect(second.apiKey).toBe("sk-test-2");
    expect(relayClientCount()).toBe(1);
  });
});

describe("holdRelayClients", () => {
  it("closes the clients once the last holder lets go, not while another still holds them", async () => {
    const releaseA = holdRelayClients();
    const releaseB = holdRelayClients();
    relayClient(relay, "sk-test-1");
    releaseA();
    releaseA(); // twice counts once
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(relayClientCount()).toBe(1);
    releaseB();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(relayClientCount()).toBe(0);
  });

  it("keeps them when a new holder comes in the same task as the last one leaves (one view replacing another)", async () => {
    const release = holdRelayClients();
    relayClient(relay, "sk-test-1");
    release();
    const next = holdRelayClients();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(relayClientCount()).toBe(1);
    next();
  });
});
