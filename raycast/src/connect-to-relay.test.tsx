// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeOpenAIServer } from "../test/fake-openai-server";
import { closedPort } from "../test/ports";
import { raycast } from "../test/raycast-api-double";
import { fakeNetwork, renderCommand, runAction, visible } from "../test/render";
import { PAIRED_RELAY_KEY } from "./relay/connection";
import type { DiscoveredRelay } from "./relay/discovery";
import { APIError } from "openai";
import { RELAY_ERROR_TYPE } from "./failures/classify";
import { CertificateMismatchError } from "./failures/errors";
import ConnectToRelay from "./connect-to-relay";
import { PIN_CHARS } from "./relay/pairing-code";

// The code of the relay found below (its id is the code's start), with a PIN as long as the format says.
const CODE = ("008J4CT4ANK7F24SNAXW" + "VTPVQRST".slice(0, PIN_CHARS)).match(/.{4}/g)!.join("-");
const found: DiscoveredRelay = {
  relayId: "008j4ct4ank7",
  name: "Passerelle 008j4ct4ank7",
  address: "10.77.0.1:8787",
  version: "0.1.0",
};

const pairing = vi.hoisted(() => ({ pairWithRelay: vi.fn() }));
vi.mock("./relay/pairing", async (importOriginal) => ({
  ...(await importOriginal<typeof import("./relay/pairing")>()),
  pairWithRelay: pairing.pairWithRelay,
}));

const paired = {
  relayId: found.relayId,
  address: "https://10.77.0.1:8787",
  scheme: "https",
  certificatePem: "-----BEGIN CERTIFICATE-----\n…\n-----END CERTIFICATE-----\n",
  fingerprint256: "00:11",
  deviceToken: "psr_token",
};

// The network the form sees: the relay above, announced (no mDNS; lookups injected).
let network = fakeNetwork([found]);
beforeEach(() => {
  raycast.reset();
  pairing.pairWithRelay.mockReset();
  network = fakeNetwork([found]);
});
afterEach(cleanup);

function connectToRelay() {
  return renderCommand(<ConnectToRelay />, network);
}

function typeIn(label: string, value: string) {
  const [field] = visible(`[aria-label='${label}']`) as HTMLInputElement[];
  fireEvent.change(field!, { target: { value } });
}

/** Opens Connect to Relay, chooses Type the Code, fills in the fields (by label) and presses Pair. */
async function typeAndPair(fields: Record<string, string>) {
  connectToRelay();
  await runAction("Type the Code");
  for (const [label, value] of Object.entries(fields)) typeIn(label, value);
  await runAction("Pair");
}

describe("Connect to Relay", () => {
  it("pairs with a relay found on the network and stores it, id included", async () => {
    pairing.pairWithRelay.mockResolvedValue(paired);
    connectToRelay();
    expect(await screen.findByText("Passerelle 008j4ct4ank7")).toBeTruthy();
    await runAction("Pair with This Relay");
    typeIn("Pairing Code", CODE);
    await runAction("Pair");
    await waitFor(() => expect(raycast.toasts.at(-1)?.style).toBe("success"));
    expect(pairing.pairWithRelay).toHaveBeenCalledWith(expect.objectContaining({ address: found.address, code: CODE }));
    expect(JSON.parse(String(raycast.storage.get(PAIRED_RELAY_KEY)))).toEqual(paired);
  });

  it("finds the relay by the code when no address is typed", async () => {
    pairing.pairWithRelay.mockResolvedValue(paired);
    await typeAndPair({ "Pairing Code": CODE.toLowerCase() });
    await waitFor(() => expect(raycast.toasts.at(-1)?.style).toBe("success"));
    expect(network.findRelayById).toHaveBeenCalledWith("008j4ct4ank7", expect.anything());
    expect(pairing.pairWithRelay).toHaveBeenCalledWith(expect.objectContaining({ address: found.address }));
  });

  it("says so, and stores nothing, when the relay's certificate is not the one of the code", async () => {
    pairing.pairWithRelay.mockRejectedValue(new CertificateMismatchError("another certificate"));
    await typeAndPair({ "Pairing Code": CODE, "Relay Address": "10.0.0.9:8787" });
    await waitFor(() => expect(raycast.toasts.at(-1)?.style).toBe("failure"));
    expect(raycast.toasts.at(-1)?.title).toBe("Not the relay of this code");
    expect(raycast.storage.has(PAIRED_RELAY_KEY)).toBe(false);
  });

  it("says the relay was not found when no relay with the code answers, through the one failure toast", async () => {
    network = fakeNetwork([]);
    await typeAndPair({ "Pairing Code": CODE });
    await waitFor(() => expect(raycast.toasts.at(-1)?.style).toBe("failure"));
    expect(raycast.toasts.at(-1)).toMatchObject({ title: "Relay not found", primaryAction: { title: "Copy Error" } });
    expect(pairing.pairWithRelay).not.toHaveBeenCalled();
  });

  it("words the relay's refusal by its code, with the wait it asks for", async () => {
    // As pairWithRelay raises them: the relay's own errors, marked, as the client's APIError.
    const refusal = (status: number, code: string, headers: Record<string, string> = {}) =>
      APIError.generate(
        status,
        { error: { message: "relay's words", type: RELAY_ERROR_TYPE, param: null, code } },
        "refused",
        new Headers(headers),
      );
    pairing.pairWithRelay.mockRejectedValueOnce(refusal(401, "pairing_code_wrong"));
    pairing.pairWithRelay.mockRejectedValueOnce(refusal(429, "too_many_failures", { "retry-after": "30" }));
    connectToRelay();
    await runAction("Pair with This Relay");
    typeIn("Pairing Code", CODE);
    await runAction("Pair");
    await waitFor(() => expect(raycast.toasts.at(-1)?.title).toBe("Code not accepted"));
    await runAction("Pair");
    await waitFor(() => expect(raycast.toasts.at(-1)?.title).toBe("Relay is pausing"));
    expect(raycast.toasts.at(-1)?.message).toContain("30 s");
  });

  it("refuses what is not a code before going to the network", async () => {
    await typeAndPair({ "Pairing Code": "1234" });
    expect(await screen.findByRole("alert")).toBeTruthy();
    expect(pairing.pairWithRelay).not.toHaveBeenCalled();
  });
});

describe("Connect to Relay, for a relay already paired that moved", () => {
  // A relay over real TLS with its own certificate: the one this Mac paired with.
  const relay = new FakeOpenAIServer();
  const impostor = new FakeOpenAIServer();
  beforeAll(async () => {
    await Promise.all([relay.start(), impostor.start()]);
  });
  afterAll(async () => {
    await Promise.all([relay.stop(), impostor.stop()]);
  });

  it("finds it again from its new address alone: the pinned certificate proves it is the same relay", async () => {
    const stale = relay.pair(`127.0.0.1:${await closedPort()}`); // paired at an address it left
    network = fakeNetwork([]); // and this network hides its announcements
    await typeAndPair({ "Relay Address": relay.address });
    await waitFor(() => expect(raycast.toasts.at(-1)?.style).toBe("success"));
    expect(raycast.toasts.at(-1)?.title).toBe("Found the paired relay again");
    expect(JSON.parse(String(raycast.storage.get(PAIRED_RELAY_KEY)))).toEqual({
      ...stale,
      address: `https://${relay.address}`,
    });
    expect(relay.requests.map((request) => request.url)).toEqual(["/health"]);
    expect(relay.requests[0].headers.authorization).toBeUndefined();
    expect(pairing.pairWithRelay).not.toHaveBeenCalled();
  });

  it("refuses another relay at that address, and keeps the pairing as it was", async () => {
    const stale = relay.pair(`127.0.0.1:${await closedPort()}`);
    await typeAndPair({ "Relay Address": impostor.address });
    await waitFor(() => expect(raycast.toasts.at(-1)?.style).toBe("failure"));
    expect(raycast.toasts.at(-1)?.title).toBe("Relay certificate does not match");
    expect(JSON.parse(String(raycast.storage.get(PAIRED_RELAY_KEY)))).toEqual(stale);
    expect(impostor.requests).toHaveLength(0);
  });

  it("still asks for a code when this Mac is not paired", async () => {
    await typeAndPair({ "Relay Address": relay.address });
    expect((await screen.findByRole("alert")).textContent).toMatch(/letters and digits/);
    expect(raycast.storage.has(PAIRED_RELAY_KEY)).toBe(false);
  });
});
