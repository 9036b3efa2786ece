/**
 * The pairing code, as the relay shows it and the extension reads it. Kept dependency-free and
 * identical in `relay/src/auth/pairing-code.ts` (a test checks that both sides agree).
 *
 * Format: 28 Crockford base32 characters in seven groups of four, e.g. `4G8Z-K2PA-0WQM-7TXB-H3CN-9RD5-XM2Q`.
 * - characters 1–20: the first 100 bits of the SHA-256 fingerprint of the relay's certificate
 *   (too many bits for anyone to make another certificate that matches them);
 * - characters 21–28: a one-time PIN of 40 bits, good for one pairing session (long enough that a
 *   session can survive a stranger's wrong tries without becoming guessable).
 * Reading is forgiving: case, spaces and dashes are ignored, and I/L read as 1, O as 0.
 * The relay id is the first 12 characters of the fingerprint part, in lower case.
 */

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** Characters of the fingerprint part (100 bits). */
export const FINGERPRINT_CHARS = 20;
/** Characters of the PIN part (40 bits). */
export const PIN_CHARS = 8;
/** Random bytes a PIN is made from. */
export const PIN_BYTES = 5;
/** Characters of the relay id, a prefix of the fingerprint part. */
export const RELAY_ID_CHARS = 12;

/** Bytes of a SHA-256 fingerprint written `AB:CD:…` (case and separators ignored). */
export function fingerprintBytes(fingerprint256: string): Uint8Array {
  const hex = fingerprint256.replace(/[^0-9a-f]/gi, "");
  if (hex.length !== 64) throw new Error("A SHA-256 fingerprint has 64 hexadecimal digits.");
  return Uint8Array.from(hex.match(/../g)!.map((pair) => parseInt(pair, 16)));
}

/** The first `chars` × 5 bits of `bytes` in Crockford base32, most significant bit first. */
export function encodeBase32(bytes: Uint8Array, chars: number): string {
  let out = "";
  for (let i = 0; i < chars; i++) {
    let value = 0;
    for (let bit = i * 5; bit < i * 5 + 5; bit++) {
      const byte = bytes[bit >> 3] ?? 0;
      value = (value << 1) | ((byte >> (7 - (bit & 7))) & 1);
    }
    out += ALPHABET[value];
  }
  return out;
}

/** The 20-character fingerprint part of a relay's pairing code. */
export function fingerprintPart(fingerprint256: string): string {
  return encodeBase32(fingerprintBytes(fingerprint256), FINGERPRINT_CHARS);
}

/** The relay's id: stable as long as its certificate is, announced on the network to find it. */
export function relayIdFromFingerprint(fingerprint256: string): string {
  return fingerprintPart(fingerprint256).slice(0, RELAY_ID_CHARS).toLowerCase();
}

/** An 8-character PIN from 5 random bytes (all 40 bits are used). */
export function pinFromBytes(bytes: Uint8Array): string {
  if (bytes.length < PIN_BYTES) throw new Error("A PIN needs 5 random bytes.");
  return encodeBase32(bytes, PIN_CHARS);
}

/** The code a person types: fingerprint part and PIN, in groups of four. */
export function formatPairingCode(fingerprint256: string, pin: string): string {
  return (fingerprintPart(fingerprint256) + pin).match(/.{4}/g)!.join("-");
}

/** What a typed code says. */
export interface PairingCode {
  fingerprintPart: string;
  pin: string;
}

/** Reads a typed code; undefined when it cannot be one (wrong length or characters). */
export function parsePairingCode(text: string): PairingCode | undefined {
  const clean = text.toUpperCase().replace(/[\s-]/g, "").replace(/[IL]/g, "1").replace(/O/g, "0");
  if (clean.length !== FINGERPRINT_CHARS + PIN_CHARS) return undefined;
  for (const char of clean) if (!ALPHABET.includes(char)) return undefined;
  return { fingerprintPart: clean.slice(0, FINGERPRINT_CHARS), pin: clean.slice(FINGERPRINT_CHARS) };
}

/** True when a certificate with this fingerprint is the one the code names. */
export function codeMatchesFingerprint(code: PairingCode, fingerprint256: string): boolean {
  return fingerprintPart(fingerprint256) === code.fingerprintPart;
}
