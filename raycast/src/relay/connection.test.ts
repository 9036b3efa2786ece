import { beforeEach, describe, expect, it, vi } from "vitest";
import { raycast } from "../../test/raycast-api-double";
import { getRelayConnection, PAIRED_RELAY_KEY, relocatePairedRelay } from "./connection";
import type { RelayLookup } from "./discovery";
import { NotPairedError } from "../failures/errors";

// Only the network lookup is replaced (mDNS by id); relocatePairedRelay and relocateRelay are the real ones.
const lookup = vi.fn<RelayLookup>();

const stored = {
  relayId: "008j4ct4ank7",
  address: "https://10.77.0.1:8787",
  scheme: "https" as const,
  certificatePem: "PEM",
  fingerprint256: "AB:CD",
  deviceToken: "psr_token",
};

beforeEach(() => {
  raycast.reset();
  lookup.mockReset();
});

describe("getRelayConnection", () => {
  it("returns the paired relay", async () => {
    raycast.storage.set(PAIRED_RELAY_KEY, JSON.stringify(stored));
    expect(await getRelayConnection()).toEqual(stored);
  });

  it.each([
    ["nothing is stored", undefined],
    ["the record is not JSON", "{"],
    ["it has no device token", JSON.stringify({ ...stored, deviceToken: undefined })],
    ["it has no pinned certificate", JSON.stringify({ ...stored, certificatePem: undefined })],
    ["it is plain http", JSON.stringify({ ...stored, scheme: "http" })],
  ])("says this Mac is not paired when %s", async (_case, value) => {
    if (value !== undefined) raycast.storage.set(PAIRED_RELAY_KEY, value);
    await expect(getRelayConnection()).rejects.toBeInstanceOf(NotPairedError);
  });

  it("never falls back to a typed address in the preferences", async () => {
    raycast.preferences.relayAddress = "127.0.0.1:8787";
    await expect(getRelayConnection()).rejects.toBeInstanceOf(NotPairedError);
  });
});

describe("relocatePairedRelay", () => {
  it("finds the paired relay again by id, with its pin and token unchanged, and stores nothing yet", async () => {
    raycast.storage.set(PAIRED_RELAY_KEY, JSON.stringify(stored));
    lookup.mockResolvedValue({ relayId: stored.relayId, name: "Passerelle", address: "10.77.0.3:8787" });
    const moved = await relocatePairedRelay(await getRelayConnection(), { lookup, timeoutMs: 1_500 });
    expect(lookup).toHaveBeenCalledWith("008j4ct4ank7", { timeoutMs: 1_500 });
    expect(moved).toEqual({ ...stored, address: "https://10.77.0.3:8787" });
    expect(JSON.parse(String(raycast.storage.get(PAIRED_RELAY_KEY)))).toEqual(stored);
  });

  it("keeps an IPv6 address in brackets", async () => {
    lookup.mockResolvedValue({ relayId: stored.relayId, name: "Passerelle", address: "[fd00::3]:8787" });
    expect((await relocatePairedRelay(stored, { lookup }))?.address).toBe("https://[fd00::3]:8787");
  });

  it("is undefined when the relay is not found, or the pairing has no id to look for", async () => {
    lookup.mockResolvedValue(undefined);
    expect(await relocatePairedRelay(stored, { lookup })).toBeUndefined();
    lookup.mockResolvedValue({ relayId: stored.relayId, name: "Passerelle", address: "10.77.0.3:8787" });
    expect(await relocatePairedRelay({ ...stored, relayId: undefined }, { lookup })).toBeUndefined();
    expect(lookup).toHaveBeenCalledTimes(1);
  });
});
