import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { tokenDigest } from "../../src/state/devices.js";
import { CONTROL_HEADER } from "../../src/auth/pairing-routes.js";
import { DEVICES_FILE } from "../../src/state/devices.js";
import { readRuntimeInfo } from "../../src/state/runtime-info.js";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { startRelayUnderTest, type RelayUnderTest } from "../support/relay-under-test.js";
import { extensionModule, type ExtensionErrors, type ExtensionPairing } from "../support/extension.js";
import { startImpostor } from "../support/tls-helpers.js";

let upstream: FakeUpstream;
let relay: RelayUnderTest;
let extension: ExtensionPairing;
let address: string;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  relay = await startRelayUnderTest(upstream.baseURL, {}, { security: { pairingTtlMs: 1500 } });
  extension = await extensionModule<ExtensionPairing>("relay/pairing.ts");
  address = `127.0.0.1:${relay.relay.port}`;
});
afterAll(async () => {
  await relay.relay.stop(100);
  await upstream.close();
});

/** Opens a pairing session as `passerelle pair` does: over loopback, with the control secret of relay.json. */
async function openPairing(on = relay): Promise<string> {
  const runtime = readRuntimeInfo(on.home)!;
  const res = await on.fetch(`https://127.0.0.1:${runtime.port}/control/pairing`, {
    method: "POST",
    headers: { [CONTROL_HEADER]: runtime.control },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { code: string }).code;
}

/** The same code with another PIN. */
const wrongPin = (code: string, n: number) =>
  code.slice(0, -4) + (code.endsWith(`000${n}`) ? `000${n + 1}` : `000${n}`);

describe("pairing a Mac with the extension's client code", () => {
  it("pairs with the code, and the token it receives opens /v1; the relay keeps only its hash", async () => {
    const code = await openPairing();
    const paired = await extension.pairWithRelay({ address, code, deviceName: "Léa's MacBook" });
    expect(paired).toMatchObject({ relayId: relay.relay.security.identity.relayId, scheme: "https" });
    expect(paired.fingerprint256).toBe(relay.relay.security.identity.fingerprint256);
    const res = await relay.fetch(`${relay.baseURL}/models`, {
      headers: { authorization: "Bearer sk-test-pair-1", "x-passerelle-token": paired.deviceToken },
    });
    expect(res.status).toBe(200);
    const stored = readFileSync(join(relay.home, DEVICES_FILE), "utf8");
    expect(stored).not.toContain(paired.deviceToken);
    expect(stored).toContain(tokenDigest(paired.deviceToken).toString("hex"));
    expect(stored).toContain("Léa's MacBook");
  });

  it("refuses a used code, with the same answer as a wrong one", async () => {
    const code = await openPairing();
    await extension.pairWithRelay({ address, code, deviceName: "once" });
    const used = await extension.pairWithRelay({ address, code, deviceName: "twice" }).catch((e: unknown) => e);
    const wrong = await extension
      .pairWithRelay({ address, code: wrongPin(code, 1), deviceName: "x" })
      .catch((e: unknown) => e);
    expect(used).toMatchObject({ code: "pairing_code_wrong" });
    expect((used as Error).message).toBe((wrong as Error).message);
  });

  it("survives a few wrong PINs: the right one still pairs", async () => {
    // A relay of its own: the other tests spent part of this address's pairing budget.
    const fresh = await startRelayUnderTest(upstream.baseURL);
    try {
      const code = await openPairing(fresh);
      const at = `127.0.0.1:${fresh.relay.port}`;
      for (let i = 1; i <= 3; i++) {
        await expect(
          extension.pairWithRelay({ address: at, code: wrongPin(code, i), deviceName: "x" }),
        ).rejects.toMatchObject({ code: "pairing_code_wrong" });
      }
      await expect(extension.pairWithRelay({ address: at, code, deviceName: "x" })).resolves.toBeDefined();
    } finally {
      await fresh.relay.stop(100);
    }
  });

  it("refuses an expired code", async () => {
    const fresh = await startRelayUnderTest(upstream.baseURL, {}, { security: { pairingTtlMs: 200 } });
    try {
      const code = fresh.relay.security.pairing.open().code;
      await new Promise((resolve) => setTimeout(resolve, 300));
      await expect(
        extension.pairWithRelay({ address: `127.0.0.1:${fresh.relay.port}`, code, deviceName: "late" }),
      ).rejects.toMatchObject({ code: "pairing_code_wrong" });
    } finally {
      await fresh.relay.stop(100);
    }
  });

  it("refuses to open pairing without the control secret", async () => {
    const res = await relay.fetch(`${relay.baseURL.replace(/\/v1$/, "")}/control/pairing`, {
      method: "POST",
      headers: { [CONTROL_HEADER]: "guess" },
    });
    expect(res.status).toBe(403);
  });
});

describe("pairing with an impostor", () => {
  it("stops before the PIN is sent when another certificate with the same subject name answers", async () => {
    // A relay of its own: the other tests spent this address's failure budget on wrong PINs.
    const real = await startRelayUnderTest(upstream.baseURL);
    const impostor = await startImpostor(real.certificatePem);
    try {
      const code = await openPairing(real);
      const error = await extension
        .pairWithRelay({ address: `127.0.0.1:${impostor.port}`, code, deviceName: "x" })
        .catch((e: unknown) => e);
      const { CertificateMismatchError } = await extensionModule<ExtensionErrors>("failures/errors.ts");
      expect(error).toBeInstanceOf(CertificateMismatchError);
      expect(impostor.received()).toBe(0);
      // The session is still open for the real relay: nothing reached it, nothing was spent.
      const realAddress = `127.0.0.1:${real.relay.port}`;
      await expect(extension.pairWithRelay({ address: realAddress, code, deviceName: "after" })).resolves.toBeDefined();
    } finally {
      await impostor.close();
      await real.relay.stop(100);
    }
  });
});
