import { describe, expect, it } from "vitest";
import {
  codeMatchesFingerprint,
  formatPairingCode,
  parsePairingCode,
  pinFromBytes,
  relayIdFromFingerprint,
} from "./pairing-code";

// The shared test vector: the relay's test (relay/test/auth/pairing-code.test.ts) checks the same values,
// and also that both modules agree on random certificates and PINs.
const VECTOR = {
  fingerprint256: "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:01:23:45:67:89:AB:CD:EF:FE:DC:BA:98:76:54:32:10",
  pinBytes: Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 0x01]),
  code: "008J-4CT4-ANK7-F24S-NAXW-VTPV-XVR1",
  relayId: "008j4ct4ank7",
};

describe("pairing code", () => {
  it("matches the shared test vector", () => {
    expect(formatPairingCode(VECTOR.fingerprint256, pinFromBytes(VECTOR.pinBytes))).toBe(VECTOR.code);
    expect(relayIdFromFingerprint(VECTOR.fingerprint256)).toBe(VECTOR.relayId);
  });

  it("reads what people type: any case, spaces, O for 0, I and L for 1", () => {
    expect(parsePairingCode("0o8j 4ct4 ank7 f24s naxw vtpv xvri")).toEqual({
      fingerprintPart: "008J4CT4ANK7F24SNAXW",
      pin: "VTPVXVR1",
    });
    expect(parsePairingCode("iii1-LLLL-0000-0000-0000-0000-0000")?.fingerprintPart).toBe("11111111000000000000");
  });

  it("refuses what cannot be a code", () => {
    for (const text of [
      "",
      "008J-4CT4",
      "008J-4CT4-ANK7-F24S-NAXW-VTPV",
      "008J-4CT4-ANK7-F24S-NAXW-VTPV-XVRU",
      "008J-4CT4-ANK7-F24S-NAXW-VTPV-XVR1X",
    ]) {
      expect(parsePairingCode(text), text).toBeUndefined();
    }
  });

  it("names one certificate: another fingerprint does not match", () => {
    const code = parsePairingCode(VECTOR.code)!;
    expect(codeMatchesFingerprint(code, VECTOR.fingerprint256)).toBe(true);
    expect(codeMatchesFingerprint(code, VECTOR.fingerprint256.replace(/^00/, "01"))).toBe(false);
  });
});
