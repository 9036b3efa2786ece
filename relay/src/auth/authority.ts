/** What one place decides for the whole relay, whichever process serves the request: pairing, changes to the list of devices, failure budgets. */
import type { DeviceRecord, DeviceRegistry, RegistryDamage } from "../state/devices.js";
import type { PairingChange, PairingWindow } from "./pairing-window.js";
import type { FailureThrottle } from "./throttle.js";

/**
 * What a caller whose token failed is told: to wait `waitSeconds` (429), answered after a pause when `slow`
 * (the global budget is spent); with `waitSeconds` 0, that its token is refused (401).
 */
export interface TokenRefusal {
  waitSeconds: number;
  slow: boolean;
}

/** A device just paired: its token, shown once, and the name it was saved under. */
export interface NewDevice {
  token: string;
  name: string;
}

/**
 * Pairing, the list of devices and the failure budgets, kept in one place so that no change is lost and
 * every process that serves requests sees the same answer: in a relay of one process, that process; with
 * workers, the main process, asked over IPC. Checking a paired device's token needs none of this: each
 * process keeps a copy of the list for that (see {@link DeviceLookup}). The registry's own errors
 * (`RegistryDamagedError`, `StateLockTimeout`) come out of the methods that change it.
 */
export interface Authority {
  /** Records a failed `/v1` token from `address`, and says what the caller is told. */
  tokenFailed(address: string): Promise<TokenRefusal>;
  /** Seconds `address` must wait before trying a pairing code again; 0 when it may. */
  pairingWait(address: string): Promise<number>;
  /** Pairs a device on the right PIN (saving it before the code is spent); undefined on a wrong one, counted against `address`. */
  pair(address: string, pin: string, name: string): Promise<NewDevice | undefined>;
  /** Opens a pairing session: the code to show, until when (ISO 8601; it crosses processes as text) and how many wrong tries it survives. */
  openPairing(): Promise<{ code: string; expiresAt: string; maxTries: number }>;
  /** Pairs a script (`passerelle pair --cli NAME`). */
  addScript(name: string): Promise<NewDevice>;
  /** Revokes a device by name; false when there is none. */
  revoke(name: string): Promise<boolean>;
}

/** The paired devices as the request path reads them: a lookup by token digest, and whether the list is damaged. */
export interface DeviceLookup {
  lookup(digest: Buffer): Promise<Pick<DeviceRecord, "name"> | undefined>;
  lastDamage(): RegistryDamage | undefined;
}

/**
 * What the person at the relay learns about pairing: a code shown (whoever opened it), the one shown ending
 * unused (expired, voided by wrong tries), a device paired.
 */
export type PairingEvent = PairingChange | { type: "paired"; name: string };

/** What the authority works on: the registry, the pairing window and the two failure budgets. */
export interface AuthorityState {
  devices: DeviceRegistry;
  pairing: PairingWindow;
  /** Failed `/v1` tokens. */
  throttle: FailureThrottle;
  /** Wrong pairing codes: a budget of their own, so that bad tokens never block pairing. */
  pairingThrottle: FailureThrottle;
  notify?: ((event: PairingEvent) => void) | undefined;
}

/** The authority over `state`, in this process. */
export function localAuthority(state: AuthorityState): Authority {
  return {
    tokenFailed: async (address) => judgeFailure(state.throttle, address),
    pairingWait: async (address) => state.pairingThrottle.addressWait(address),
    async pair(address, pin, name) {
      // The device is saved before the code is spent: if saving fails, the same code still works.
      const attempt = state.pairing.attempt(pin.slice(0, 16), () => state.devices.add(name || "Mac", "app"));
      if (attempt.result === "refused") {
        state.pairingThrottle.fail(address);
        return undefined;
      }
      const { token, device } = attempt.value;
      state.notify?.({ type: "paired", name: device.name });
      return { token, name: device.name };
    },
    async openPairing() {
      // The pairing window tells the person itself (see prepareSecurity): whoever opened it, the window shows it.
      const opened = state.pairing.open();
      return { code: opened.code, expiresAt: opened.expiresAt.toISOString(), maxTries: opened.maxTries };
    },
    async addScript(name) {
      const { token, device } = state.devices.add(name, "cli");
      return { token, name: device.name };
    },
    revoke: async (name) => state.devices.remove(name),
  };
}

/**
 * A failed token from `address`: an address already locked out waits (its failure is not counted again);
 * otherwise the failure counts, and once the global budget is spent every failure is answered slowly.
 */
function judgeFailure(throttle: FailureThrottle, address: string): TokenRefusal {
  const wait = throttle.addressWait(address);
  if (wait) return { waitSeconds: wait, slow: false };
  throttle.fail(address);
  const globalWait = throttle.globalWait();
  return globalWait ? { waitSeconds: globalWait, slow: true } : { waitSeconds: 0, slow: false };
}
