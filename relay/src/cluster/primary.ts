/**
 * The relay's main process when workers serve its requests: it keeps what must stay in one place (the
 * window, pairing, the list of devices, the failure budgets, relay.json) and its workers: it starts them,
 * answers what they ask, gives them every change to the list of devices before saying a change is done,
 * and starts another worker when one dies, the others' answers going on untouched.
 */
import cluster, { type Worker } from "node:cluster";
import { localAuthority, type Authority } from "../auth/authority.js";
import { snapshotOf, type DeviceSnapshot } from "../auth/device-view.js";
import { prepareSecurity, type RelaySecurity } from "../auth/relay-security.js";
import type { RelayConfig } from "../config.js";
import type { Relay } from "../http/server.js";
import { removeRuntimeInfo, runtimeInfo, writeRuntimeInfo } from "../state/runtime-info.js";
import { toWire, type AuthorityMethod, type ToPrimary, type ToWorker, type WorkerStart } from "./messages.js";

export interface WorkersOptions {
  /** The relay's command line, which each worker reads again. */
  argv: string[];
  /** Where the workers' request lines go (the window). */
  write(text: string): void;
  /** Says something in the window (a worker that died). */
  print(line: string): void;
}

/** How often the list of devices is read again for a change another process made (`revoke` writing the file). */
const DEVICES_CHECK_MS = 250;
/** A worker that has not taken a change within this is dead or dying (another replaces it): the change goes on. */
const SEEN_WITHIN_MS = 1_000;
/** A worker that dies sooner than this after starting counts towards a crash loop, restarted less and less often. */
const QUICK_DEATH_MS = 10_000;

const send = (worker: Worker, message: ToWorker) => {
  if (worker.isConnected()) worker.send(message);
};

/**
 * Gives every worker the list of devices when it changed; resolves once each has the latest list (or is gone),
 * also when another call sent it a moment before.
 */
function devicePublisher(security: RelaySecurity, workers: () => Worker[]) {
  let sent = JSON.stringify(snapshotOf(security.devices));
  let version = 0;
  let latest = Promise.resolve();
  const seen = new Map<Worker, number>();
  const waiters = new Set<() => void>();
  const give = (snapshot: DeviceSnapshot, v: number, targets: Worker[]) => {
    for (const worker of targets) send(worker, { type: "devices", version: v, devices: snapshot });
    return new Promise<void>((resolve) => {
      const done = () => (waiters.delete(check), clearTimeout(timer), resolve());
      const check = () => targets.every((w) => (seen.get(w) ?? 0) >= v || !w.isConnected()) && done();
      const timer = setTimeout(done, SEEN_WITHIN_MS);
      waiters.add(check);
      check();
    });
  };
  const publish = (): Promise<void> => {
    const snapshot = snapshotOf(security.devices);
    const text = JSON.stringify(snapshot);
    if (text !== sent) {
      sent = text;
      latest = give(snapshot, ++version, workers());
    }
    return latest;
  };
  return {
    publish,
    snapshot: (): DeviceSnapshot => snapshotOf(security.devices),
    seen(worker: Worker, v: number) {
      seen.set(worker, v);
      for (const check of [...waiters]) check();
    },
    forget: (worker: Worker) => void seen.delete(worker),
  };
}

/** What may change the list of devices (a failed attempt or an error included: a damaged file is found by reading it). */
const CHANGING: ReadonlySet<AuthorityMethod> = new Set(["pair", "addScript", "revoke"]);

/** Answers a worker's question to the authority; a change to the devices reaches every worker before the answer. */
async function answer(
  worker: Worker,
  message: ToPrimary & { type: "ask" },
  authority: Authority,
  publish: () => Promise<void>,
) {
  let reply: ToWorker;
  try {
    const method = authority[message.method] as (...args: unknown[]) => Promise<unknown>;
    reply = { type: "answer", id: message.id, value: await method(...message.args) };
  } catch (error) {
    reply = { type: "answer", id: message.id, error: toWire(error) };
  }
  if (CHANGING.has(message.method)) await publish();
  send(worker, reply);
}

/** Resolves with the worker's port once it listens; rejects with its error (the port taken) if it could not. */
function listening(worker: Worker): Promise<number> {
  return new Promise((resolve, reject) => {
    worker.on("message", (message: ToPrimary) => {
      if (message.type === "listening") resolve(message.port);
      if (message.type !== "failed") return;
      reject(Object.assign(new Error("A worker could not listen."), { name: message.name, code: message.code }));
    });
    worker.once("exit", () => reject(new Error("A worker stopped as it started.")));
  });
}

/** Delays before restarting a worker: none, unless workers keep dying soon after they start. */
function restartDelays(): (livedMs: number) => number {
  let quickDeaths = 0;
  return (livedMs) => {
    quickDeaths = livedMs < QUICK_DEATH_MS ? quickDeaths + 1 : 0;
    return quickDeaths < 3 ? 0 : Math.min(30_000, 1000 * 2 ** (quickDeaths - 3));
  };
}

/** The main process's side of its workers: what they are started with, and what they are answered. */
interface Workers {
  live: Set<Worker>;
  /** Starts one more worker, told how to start as soon as it listens for messages. */
  fork(): Worker;
  killAll(): void;
  /** Set once every worker listens (restarts begin), and when the relay stops (they end). */
  state: { started: boolean; stopping: boolean };
  devices: ReturnType<typeof devicePublisher>;
}

function workers(config: RelayConfig, options: WorkersOptions, security: RelaySecurity): Workers {
  const authority = localAuthority(security);
  const live = new Set<Worker>();
  const devices = devicePublisher(security, () => [...live]);
  const state = { started: false, stopping: false };
  const delay = restartDelays();
  const start = (): WorkerStart => ({
    type: "start",
    argv: options.argv,
    keyPem: security.identity.keyPem,
    certPem: security.identity.certPem,
    relayId: security.identity.relayId,
    controlSecret: security.controlSecret,
    devices: devices.snapshot(),
    workers: config.workers,
  });
  const fork = (): Worker => {
    const worker = cluster.fork();
    const bornAt = Date.now();
    live.add(worker);
    worker.on("message", (message: ToPrimary) => {
      if (message.type === "ready") send(worker, start());
      else if (message.type === "ask") void answer(worker, message, authority, devices.publish);
      else if (message.type === "seen") devices.seen(worker, message.version);
      else if (message.type === "log") options.write(message.text);
    });
    worker.once("exit", (code, signal) => {
      live.delete(worker);
      devices.forget(worker);
      if (state.stopping || !state.started) return;
      // Its callers' answers are cut; the other workers' go on.
      const ms = delay(Date.now() - bornAt);
      const when = ms ? ` in ${ms / 1000} s` : "";
      options.print(
        `A worker stopped unexpectedly (${signal ?? `exit code ${code}`}); another takes its place${when}.`,
      );
      setTimeout(() => void (state.stopping || listening(fork()).catch(() => undefined)), ms).unref();
    });
    return worker;
  };
  const killAll = () => {
    for (const worker of live) worker.process.kill();
  };
  return { live, fork, killAll, state, devices };
}

/**
 * Starts the relay with `config.workers` workers serving its requests, and resolves once they all listen
 * (rejecting, as a relay of one process would, when the port is taken).
 */
export async function startWorkers(config: RelayConfig, options: WorkersOptions): Promise<Relay> {
  const security = await prepareSecurity(config.home, { pairingTtlMs: config.pairingTtlMs });
  cluster.setupPrimary({ args: [], silent: false });
  const pool = workers(config, options, security);
  process.once("exit", pool.killAll);
  let port: number;
  try {
    // The first worker alone: if the port is taken, no other has started.
    port = await listening(pool.fork());
    await Promise.all(Array.from({ length: config.workers - 1 }, () => listening(pool.fork())));
  } catch (error) {
    pool.killAll();
    throw error;
  }
  pool.state.started = true;
  writeRuntimeInfo(config.home, runtimeInfo(config, port, security.controlSecret));
  // A change another process made (`passerelle revoke` writing the file under its lock) reaches the workers too.
  const checking = setInterval(() => void pool.devices.publish(), DEVICES_CHECK_MS);
  checking.unref();

  async function stop(graceMs = 10_000): Promise<void> {
    pool.state.stopping = true;
    clearInterval(checking);
    removeRuntimeInfo(config.home);
    const exited = [...pool.live].map((worker) => new Promise((resolve) => worker.once("exit", resolve)));
    for (const worker of pool.live) send(worker, { type: "stop", graceMs });
    await Promise.race([Promise.all(exited), new Promise((resolve) => setTimeout(resolve, graceMs + 1000).unref())]);
    pool.killAll();
  }

  return { port, security, stop };
}
