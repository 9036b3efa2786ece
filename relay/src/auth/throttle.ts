/** The failure budget: how many wrong tokens or codes an address, and everyone together, may send before waiting. */

/** Limits on failed attempts (bad device tokens, wrong PINs). */
export interface ThrottleOptions {
  /** Failures one address may make per window before it waits. */
  perAddress: number;
  /** Failures all addresses together may make per window: addresses are cheap on a LAN. */
  global: number;
  windowMs: number;
  /** Addresses remembered at most; expired and unlocked ones are forgotten first (the global budget counts them all). */
  maxAddresses: number;
  now: () => number;
}

export const DEFAULT_THROTTLE: ThrottleOptions = {
  perAddress: 5,
  global: 100,
  windowMs: 60_000,
  maxAddresses: 10_000,
  now: Date.now,
};

interface Window {
  start: number;
  failures: number;
}

/** Counts failures per address and overall, in fixed windows, with bounded memory. */
export interface FailureThrottle {
  /** Seconds this address must still wait, or 0. */
  addressWait(address: string): number;
  /** Seconds until the global budget refills, or 0 when failures are still allowed. */
  globalWait(): number;
  /** Records one failure from `address`. */
  fail(address: string): void;
}

export function createFailureThrottle(options: Partial<ThrottleOptions> = {}): FailureThrottle {
  const o = { ...DEFAULT_THROTTLE, ...options };
  const byAddress = new Map<string, Window>();
  const everyone: Window = { start: 0, failures: 0 };

  const current = (window: Window | undefined, now: number) =>
    window && now - window.start < o.windowMs ? window : undefined;
  const secondsLeft = (window: Window, now: number) => Math.max(1, Math.ceil((window.start + o.windowMs - now) / 1000));

  /**
   * Frees one slot: an expired window first, else the oldest address not locked out; a live lockout
   * is never forgotten to make room, or many addresses could free a locked one. Windows are kept in
   * the order they started, so expired ones are at the front.
   */
  const makeRoom = (now: number): boolean => {
    let scanned = 0;
    for (const [address, window] of byAddress) {
      if (!current(window, now) || window.failures < o.perAddress) {
        byAddress.delete(address);
        return true;
      }
      // Bounded work per failure: past this, the table is (nearly) all live lockouts.
      if (++scanned >= 256) return false;
    }
    return false;
  };

  return {
    addressWait(address) {
      const now = o.now();
      const window = current(byAddress.get(address), now);
      return window && window.failures >= o.perAddress ? secondsLeft(window, now) : 0;
    },
    globalWait() {
      const now = o.now();
      return current(everyone, now) && everyone.failures >= o.global ? secondsLeft(everyone, now) : 0;
    },
    fail(address) {
      const now = o.now();
      if (!current(everyone, now)) Object.assign(everyone, { start: now, failures: 0 });
      everyone.failures++;
      let window = current(byAddress.get(address), now);
      if (!window) {
        byAddress.delete(address);
        if (byAddress.size >= o.maxAddresses && !makeRoom(now)) return; // every slot holds a live lockout
        window = { start: now, failures: 0 };
        byAddress.set(address, window);
      }
      window.failures++;
    },
  };
}
