import { beforeEach, describe, expect, it, vi } from "vitest";
import { raycast } from "../../test/raycast-api-double";
import { PAIRED_RELAY_KEY, relocatePairedRelay } from "./connection";

const discovery = vi.hoisted(() => ({ findRelayById: vi.fn() }));
vi.mock("./discovery", async (importOriginal) => {
  const original = await importOriginal<typeof import("./discovery")>();
  return {
    ...original,
    // relocateRelay is the real one, over a fake network lookup.
    relocateRelay: (paired: { relayId: string; address: string }) =>
      discovery
        .findRelayById(paired.relayId)
        .then((found?: { address: string }) =>
          found ? { ...paired, address: `https://${found.address}` } : undefined,
        ),
  };
});

const stored = {
  relayId: "008j4ct4ank7",
  address: "https://10.77.0.1:8787",
  scheme: "https",
  certificatePem: "PEM",
  fingerprint256: "AB:CD",
  deviceToken: "psr_token",
};

beforeEach(() => {
  raycast.reset();
  discovery.findRelayById.mockReset();
});

describe("relocatePairedRelay", () => {
  it("finds the paired relay again by id and keeps its new address, pin and token unchanged", async () => {
    raycast.storage.set(PAIRED_RELAY_KEY, JSON.stringify(stored));
    discovery.findRelayById.mockResolvedValue({ relayId: stored.relayId, address: "10.77.0.3:8787" });
    const moved = await relocatePairedRelay();
    expect(discovery.findRelayById).toHaveBeenCalledWith("008j4ct4ank7");
    expect(moved).toMatchObject({
      address: "https://10.77.0.3:8787",
      fingerprint256: "AB:CD",
      deviceToken: "psr_token",
    });
    expect(JSON.parse(String(raycast.storage.get(PAIRED_RELAY_KEY)))).toEqual({
      ...stored,
      address: "https://10.77.0.3:8787",
    });
  });

  it("leaves things as they are when the relay is not found or nothing is paired", async () => {
    discovery.findRelayById.mockResolvedValue(undefined);
    expect(await relocatePairedRelay()).toBeUndefined();
    raycast.storage.set(PAIRED_RELAY_KEY, JSON.stringify(stored));
    expect(await relocatePairedRelay()).toBeUndefined();
    expect(JSON.parse(String(raycast.storage.get(PAIRED_RELAY_KEY)))).toEqual(stored);
  });
});
