/** The pairing session: one code at a time, for a couple of minutes, with a bounded number of wrong tries. */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { formatPairingCode, pinFromBytes, PIN_BYTES } from "./pairing-code.js";

export interface PairingWindowOptions {
  ttlMs: number;
  /**
   * Wrong PINs a session survives; then it is void. With a 40-bit PIN, 1,000 tries leave a guesser
   * one chance in a billion, and a stranger's few wrong tries never stop the owner.
   */
  maxTries: number;
  now: () => number;
  /** Told when a session opens, and when it ends unused (expired, or voided by wrong tries). */
  onChange?: (change: PairingChange) => void;
}

/** What the person at the relay must learn about the code shown: a new one, or the one shown no longer works. */
export type PairingChange =
  | ({ type: "opened" } & OpenedPairing)
  | { type: "expired"; code: string; expiresAt: Date }
  | { type: "voided"; code: string };

/** What the person at the relay is shown. */
export interface OpenedPairing {
  code: string;
  expiresAt: Date;
  maxTries: number;
}

export type PairingAttempt<T> = { result: "paired"; value: T } | { result: "refused" };

/** At most one pairing session at a time: a one-time PIN, a couple of minutes. */
export interface PairingWindow {
  open(): OpenedPairing;
  /**
   * Checks a PIN. On the right one, runs `save` (which saves the device) and only then spends the
   * session: if `save` throws, the code still works. A wrong PIN and no open session are one answer,
   * so a stranger cannot tell whether a session is open.
   */
  attempt<T>(pin: string, save: () => T): PairingAttempt<T>;
  isOpen(): boolean;
}

const digest = (text: string) => createHash("sha256").update(text.toUpperCase()).digest();
/** Compared against when no session is open, so that both answers take the same work. */
const NO_SESSION = digest(randomBytes(16).toString("hex"));

export function createPairingWindow(
  fingerprint256: string,
  options: Partial<PairingWindowOptions> = {},
): PairingWindow {
  const o: PairingWindowOptions = { ttlMs: 120_000, maxTries: 1000, now: Date.now, ...options };
  let session: { pinDigest: Buffer; code: string; expiresAt: number; triesLeft: number } | undefined;
  let expiry: NodeJS.Timeout | undefined;

  const end = (change: PairingChange) => {
    session = undefined;
    clearTimeout(expiry);
    o.onChange?.(change);
  };
  const live = () => {
    if (session && session.expiresAt <= o.now())
      end({ type: "expired", code: session.code, expiresAt: new Date(session.expiresAt) });
    return session;
  };

  return {
    open() {
      const pin = pinFromBytes(randomBytes(PIN_BYTES));
      const code = formatPairingCode(fingerprint256, pin);
      session = { pinDigest: digest(pin), code, expiresAt: o.now() + o.ttlMs, triesLeft: o.maxTries };
      clearTimeout(expiry);
      // The person is told when the code shown stops working, not only the next caller.
      expiry = setTimeout(live, o.ttlMs + 50);
      expiry.unref();
      const opened = { code, expiresAt: new Date(session.expiresAt), maxTries: o.maxTries };
      o.onChange?.({ type: "opened", ...opened });
      return opened;
    },
    attempt(pin, save) {
      const current = live();
      const right = timingSafeEqual(digest(pin), current?.pinDigest ?? NO_SESSION) && current !== undefined;
      if (!right) {
        if (current && --current.triesLeft <= 0) end({ type: "voided", code: current.code });
        return { result: "refused" };
      }
      const value = save();
      if (session === current) {
        session = undefined;
        clearTimeout(expiry);
      }
      return { result: "paired", value };
    },
    isOpen: () => live() !== undefined,
  };
}
