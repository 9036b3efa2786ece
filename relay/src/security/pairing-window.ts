import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { formatPairingCode, pinFromBytes } from "./pairing-code.js";

export interface PairingWindowOptions {
  ttlMs: number;
  /** Wrong PINs allowed per session; then the session is void. */
  maxTries: number;
  now: () => number;
}

/** What the person at the relay is shown. */
export interface OpenedPairing {
  code: string;
  expiresAt: Date;
  maxTries: number;
}

export type PairingAttempt = "paired" | "wrong-pin" | "closed";

/** At most one pairing session at a time: a one-time PIN, a few tries, a couple of minutes. */
export interface PairingWindow {
  open(): OpenedPairing;
  /** Checks a PIN; `paired` closes the session (single use), too many wrong ones void it. */
  attempt(pin: string): PairingAttempt;
  isOpen(): boolean;
}

const digest = (text: string) => createHash("sha256").update(text.toUpperCase()).digest();

export function createPairingWindow(
  fingerprint256: string,
  options: Partial<PairingWindowOptions> = {},
): PairingWindow {
  const o: PairingWindowOptions = { ttlMs: 120_000, maxTries: 3, now: Date.now, ...options };
  let session: { pinDigest: Buffer; expiresAt: number; triesLeft: number } | undefined;

  const live = () => {
    if (session && (session.expiresAt <= o.now() || session.triesLeft <= 0)) session = undefined;
    return session;
  };

  return {
    open() {
      const pin = pinFromBytes(randomBytes(3));
      session = { pinDigest: digest(pin), expiresAt: o.now() + o.ttlMs, triesLeft: o.maxTries };
      return {
        code: formatPairingCode(fingerprint256, pin),
        expiresAt: new Date(session.expiresAt),
        maxTries: o.maxTries,
      };
    },
    attempt(pin) {
      const current = live();
      if (!current) return "closed";
      if (timingSafeEqual(digest(pin), current.pinDigest)) {
        session = undefined;
        return "paired";
      }
      current.triesLeft--;
      return "wrong-pin";
    },
    isOpen: () => live() !== undefined,
  };
}
