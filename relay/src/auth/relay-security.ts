/** Who may use the relay: its identity, paired devices, failure budgets and pairing session, prepared at start. */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { localAuthority, type Authority, type DeviceLookup, type PairingEvent } from "./authority.js";
import { requireDevice } from "./device-auth.js";
import { DEVICES_FILE, DeviceRegistry } from "../state/devices.js";
import { loadOrCreateIdentity, type RelayIdentity } from "../state/identity.js";
import { createPairingWindow, type PairingWindow } from "./pairing-window.js";
import { removeStaleTemporaries } from "../state/state-file.js";
import { createFailureThrottle, type FailureThrottle, type ThrottleOptions } from "./throttle.js";

/** Everything the relay needs to decide who may use it. */
export interface RelaySecurity {
  home: string;
  identity: RelayIdentity;
  devices: DeviceRegistry;
  /** Failed `/v1` tokens. */
  throttle: FailureThrottle;
  /** Wrong pairing codes: a budget of their own, so that bad tokens never block pairing. */
  pairingThrottle: FailureThrottle;
  pairing: PairingWindow;
  /** Lets `passerelle pair` on this PC open a pairing session on the running relay. */
  controlSecret: string;
  /** Told when a pairing session opens or a device pairs, to inform the person at the relay. */
  notify?: (event: PairingEvent) => void;
}

/** A connection as the connection guard knows it. */
export type ConnectionAddress = { remoteAddress?: string | undefined; remotePort?: number | undefined };

/** What the request path needs to decide who may use the relay, in whichever process serves the request. */
export interface RequestSecurity {
  /** The relay's id, named by /health and in a pairing's answer. */
  relayId: string;
  devices: DeviceLookup;
  authority: Authority;
  /** Lets `passerelle pair` on this PC open a pairing session on the running relay. */
  controlSecret: string;
  /** Told of each connection that carried a paired device's token (the server's connection guard). */
  trustConnection?: (socket: ConnectionAddress) => void;
}

/** The request path's security in a relay of one process: the registry itself, and the authority here. */
export function requestSecurity(security: RelaySecurity): RequestSecurity {
  return {
    relayId: security.identity.relayId,
    devices: security.devices,
    authority: localAuthority(security),
    controlSecret: security.controlSecret,
  };
}

/** The access check for `/v1/*`, against the relay's paired devices and failure budget. */
export function deviceCheck(security: RequestSecurity) {
  return requireDevice(security.devices, security.authority, (socket) => security.trustConnection?.(socket));
}

export interface SecurityOptions {
  throttle?: Partial<ThrottleOptions>;
  pairingThrottle?: Partial<ThrottleOptions>;
  pairingTtlMs?: number;
}

/** Loads (or creates, on first start) the relay's identity and paired devices from `home`. */
export async function prepareSecurity(home: string, options: SecurityOptions = {}): Promise<RelaySecurity> {
  const identity = await loadOrCreateIdentity(home);
  removeStaleTemporaries(home);
  const security: RelaySecurity = {
    home,
    identity,
    devices: new DeviceRegistry(join(home, DEVICES_FILE)),
    throttle: createFailureThrottle(options.throttle),
    // A wrong pairing code costs its address only: the PIN's 40 bits and the session's try limit stop guessing.
    pairingThrottle: createFailureThrottle({ global: Number.POSITIVE_INFINITY, ...options.pairingThrottle }),
    // Whoever opens a session (the window's p, `passerelle pair`, a second start), the window hears of it.
    pairing: createPairingWindow(identity.fingerprint256, {
      ...(options.pairingTtlMs && { ttlMs: options.pairingTtlMs }),
      onChange: (change) => security.notify?.(change),
    }),
    controlSecret: randomBytes(32).toString("base64url"),
  };
  return security;
}
