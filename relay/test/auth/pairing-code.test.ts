import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import * as relaySide from "../../src/auth/pairing-code.js";
import { extensionModule, type ExtensionPairingCode } from "../support/extension.js";

// The shared test vector: the extension's own test (raycast/src/relay/pairing-code.test.ts) checks the same values.
const VECTOR = {
  fingerprint256: "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:01:23:45:67:89:AB:CD:EF:FE:DC:BA:98:76:54:32:10",
  pinBytes: Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 0x01]),
  code: "008J-4CT4-ANK7-F24S-NAXW-VTPV-XVR1",
  relayId: "008j4ct4ank7",
};

describe("the pairing code", () => {
  it("matches the shared test vector", () => {
    const pin = relaySide.pinFromBytes(VECTOR.pinBytes);
    expect(relaySide.formatPairingCode(VECTOR.fingerprint256, pin)).toBe(VECTOR.code);
    expect(relaySide.relayIdFromFingerprint(VECTOR.fingerprint256)).toBe(VECTOR.relayId);
  });

  it("carries at least 100 bits of the fingerprint and reads forgivingly", () => {
    const parsed = relaySide.parsePairingCode(" 0o8j 4ct4 ank7-f24s-naxw-vtpv-xvri ");
    expect(parsed).toEqual({ fingerprintPart: "008J4CT4ANK7F24SNAXW", pin: "VTPVXVR1" });
    expect(parsed!.fingerprintPart.length * 5).toBeGreaterThanOrEqual(100);
    expect(parsed!.pin.length * 5).toBe(40);
    expect(relaySide.parsePairingCode("008J-4CT4-ANK7-F24S-NAXW-VTPV")).toBeUndefined();
    expect(relaySide.parsePairingCode("008J-4CT4-ANK7-F24S-NAXW-VTPV-XVRU")).toBeUndefined();
    expect(relaySide.codeMatchesFingerprint(parsed!, VECTOR.fingerprint256)).toBe(true);
  });

  it("is read the same way by the relay and the extension, for any certificate and PIN", async () => {
    const extensionSide = await extensionModule<ExtensionPairingCode>("relay/pairing-code.ts");
    for (let i = 0; i < 200; i++) {
      const fingerprint256 = randomBytes(32).toString("hex").toUpperCase().match(/../g)!.join(":");
      const bytes = randomBytes(5);
      const code = relaySide.formatPairingCode(fingerprint256, relaySide.pinFromBytes(bytes));
      expect(extensionSide.formatPairingCode(fingerprint256, extensionSide.pinFromBytes(bytes))).toBe(code);
      expect(extensionSide.parsePairingCode(code)).toEqual(relaySide.parsePairingCode(code));
      expect(extensionSide.codeMatchesFingerprint(extensionSide.parsePairingCode(code)!, fingerprint256)).toBe(true);
      expect(extensionSide.relayIdFromFingerprint(fingerprint256)).toBe(
        relaySide.relayIdFromFingerprint(fingerprint256),
      );
    }
  });
});
