/** What the relay's main process and its workers say to each other over Node's cluster IPC (JSON). */
import type { Authority } from "../auth/authority.js";
import type { DeviceSnapshot } from "../auth/device-view.js";
import { RegistryDamagedError, type RegistryDamage } from "../state/devices.js";
import { StateLockTimeout } from "../state/state-file.js";

/** What a worker needs to serve: the relay's identity, the devices, its share of the relay's bounds. */
export interface WorkerStart {
  type: "start";
  /** The relay's command line, read again by the worker (same settings, same environment). */
  argv: string[];
  keyPem: string;
  certPem: string;
  relayId: string;
  controlSecret: string;
  devices: DeviceSnapshot;
  /** Workers in all: each holds this share of the relay's bounds on connections, requests and memory. */
  workers: number;
}

export type ToWorker =
  | WorkerStart
  /** The list of devices changed: the worker replaces its copy and says so (`seen`). */
  | { type: "devices"; version: number; devices: DeviceSnapshot }
  | { type: "answer"; id: number; value?: unknown; error?: WireError }
  /** Stop accepting, let answers in flight finish for up to `graceMs`, then exit. */
  | { type: "stop"; graceMs: number };

export type ToPrimary =
  /** The worker listens for messages: it may be told how to start. */
  | { type: "ready" }
  | { type: "listening"; port: number }
  | { type: "failed"; name: string; code?: string | undefined }
  | { type: "ask"; id: number; method: AuthorityMethod; args: unknown[] }
  | { type: "seen"; version: number }
  /** Request log lines, gathered over one turn of the worker's event loop. */
  | { type: "log"; text: string };

export type AuthorityMethod = keyof Authority;

/** An error of the authority's, as it crosses between processes: the registry's own two keep their meaning. */
export type WireError =
  | { name: "RegistryDamagedError"; damage: RegistryDamage }
  | { name: "StateLockTimeout"; path: string }
  | { name: string };

export function toWire(error: unknown): WireError {
  if (error instanceof RegistryDamagedError) return { name: "RegistryDamagedError", damage: error.damage };
  if (error instanceof StateLockTimeout) return { name: "StateLockTimeout", path: error.path };
  return { name: error instanceof Error ? error.name : typeof error };
}

export function fromWire(wire: WireError): Error {
  if ("damage" in wire) return new RegistryDamagedError(wire.damage);
  if ("path" in wire) return new StateLockTimeout(wire.path);
  const error = new Error("The relay's main process could not do this.");
  error.name = wire.name;
  return error;
}
