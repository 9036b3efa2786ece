/**
 * A worker: serves the relay's requests beside the main process, which keeps the window, pairing, the list
 * of devices and the failure budgets. It checks tokens against its own copy of the list, asks the main process
 * only what only it decides (a failure, a pairing, a change), and stops when the main process says so or goes.
 */
import type { Authority } from "../auth/authority.js";
import { DeviceView } from "../auth/device-view.js";
import type { RequestSecurity } from "../auth/relay-security.js";
import { loadConfig, type RelayConfig } from "../config.js";
import { installCrashHandlers } from "../console/crash.js";
import { DEFAULT_CONNECTION_LIMITS, type ConnectionLimits } from "../http/connection-guard.js";
import { lineLogger } from "../http/request-log.js";
import { serveRequests, type Serving } from "../http/server.js";
import { DEFAULT_BUFFERED_BYTES } from "../upstream/request-body.js";
import { fromWire, type AuthorityMethod, type ToPrimary, type ToWorker, type WorkerStart } from "./messages.js";

const send = (message: ToPrimary) => void process.send?.(message);

/** The authority of the main process, asked over IPC; every ask is answered, or refused once it is gone. */
function remoteAuthority(): { authority: Authority; answer(message: ToWorker & { type: "answer" }): void } {
  const waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let asked = 0;
  process.once("disconnect", () => {
    for (const ask of waiting.values()) ask.reject(new Error("The relay's main process is gone."));
    waiting.clear();
  });
  const ask =
    (method: AuthorityMethod) =>
    (...args: unknown[]) =>
      new Promise((resolve, reject) => {
        const id = ++asked;
        waiting.set(id, { resolve, reject });
        send({ type: "ask", id, method, args });
      });
  const authority = {
    tokenFailed: ask("tokenFailed"),
    pairingWait: ask("pairingWait"),
    pair: ask("pair"),
    openPairing: ask("openPairing"),
    addScript: ask("addScript"),
    revoke: ask("revoke"),
  } as Authority;
  return {
    authority,
    answer(message) {
      const ask = waiting.get(message.id);
      waiting.delete(message.id);
      if (message.error) ask?.reject(fromWire(message.error));
      else ask?.resolve(message.value);
    },
  };
}

/** A worker's share of a bound the relay keeps in all: together, the workers never hold more than it. */
const share = (total: number, workers: number) => Math.max(1, Math.floor(total / workers));

/**
 * The relay's settings as this worker applies them: its share of the bounds. Its port is the relay's as given
 * (0 included): Node's cluster gives every worker that asks for the same port the same listening socket.
 */
function workerConfig(start: WorkerStart): { config: RelayConfig; connectionLimits: ConnectionLimits } {
  const config = loadConfig(start.argv, process.env);
  const n = start.workers;
  return {
    config: { ...config, limits: { ...config.limits, maxConcurrent: share(config.limits.maxConcurrent, n) } },
    connectionLimits: {
      perAddress: share(DEFAULT_CONNECTION_LIMITS.perAddress, n),
      untrusted: share(DEFAULT_CONNECTION_LIMITS.untrusted, n),
      total: share(DEFAULT_CONNECTION_LIMITS.total, n),
    },
  };
}

/** Serves requests as `start` says, until told to stop or the main process goes; then exits. */
async function serve(start: WorkerStart, remote: ReturnType<typeof remoteAuthority>): Promise<void> {
  const { config, connectionLimits } = workerConfig(start);
  const devices = new DeviceView(start.devices);
  // Listening for changes from now on: one made while the server starts is not missed.
  let stop: (graceMs: number) => void = () => process.exit(0);
  process.on("message", (message: ToWorker) => {
    if (message.type === "devices") {
      devices.replace(message.devices);
      send({ type: "seen", version: message.version });
    } else if (message.type === "stop") stop(message.graceMs);
  });
  const security: RequestSecurity = {
    relayId: start.relayId,
    devices,
    authority: remote.authority,
    controlSecret: start.controlSecret,
  };
  let serving: Serving;
  try {
    serving = await serveRequests(config, start, security, {
      log: lineLogger((text) => send({ type: "log", text })),
      connectionLimits,
      bufferedBytes: share(DEFAULT_BUFFERED_BYTES, start.workers),
    });
  } catch (error) {
    send({ type: "failed", name: (error as Error).name, code: (error as NodeJS.ErrnoException).code });
    return void process.exit(1);
  }
  let stopping = false;
  stop = (graceMs) => {
    if (stopping) return;
    stopping = true;
    void serving.stop(graceMs).finally(() => process.exit(0));
  };
  // The main process is gone (it crashed, or was killed): nobody can pair or revoke any more; finish and go.
  process.once("disconnect", () => stop(config.stopGraceMs));
  // Someone stopped this worker alone: the main process starts another.
  process.once("SIGTERM", () => stop(config.stopGraceMs));
  send({ type: "listening", port: serving.port });
}

/** The worker's life: its crash line, signals left to the main process, then serving once told how. */
export function runWorker(): void {
  installCrashHandlers();
  // Ctrl+C, Ctrl+Break and the console window closing reach every process of the window: the main process
  // decides, and tells the workers to stop once the answers in flight may finish.
  for (const signal of ["SIGINT", "SIGBREAK", "SIGHUP"] as const) process.on(signal, () => undefined);
  const remote = remoteAuthority();
  let started = false;
  process.on("message", (message: ToWorker) => {
    if (message.type === "answer") remote.answer(message);
    else if (message.type === "start") {
      started = true;
      void serve(message, remote);
    }
    // A change sent before this worker started: the list it starts with is newer.
    else if (message.type === "devices" && !started) send({ type: "seen", version: message.version });
  });
  send({ type: "ready" });
}
