/**
 * What both benches stand on: the relay built, a fake OpenAI, the relay as users run it (once per setting
 * compared, e.g. 1 worker and N) and a load generator, each in its own process, with one paired device;
 * and nginx doing the same job, when it is installed.
 */
import { execFileSync, fork, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { buildRelay, relayDir } from "../scripts/build-relay.ts";
import type { Target } from "./load.ts";
import { nginxProgram, startNginx, type Nginx } from "./nginx.ts";

export { buildRelay };

const KEY = "sk-test-bench-0000";
const strip = ["--experimental-strip-types", "--no-warnings"];

/** A process and its children (a relay's workers, nginx's worker), by id. */
export function processTree(pid: number): number[] {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim();
    return [pid, ...(children ? children.split(" ").map(Number).flatMap(processTree) : [])];
  } catch {
    return [pid];
  }
}

/** Resident memory of a process, in MB. */
export function rssMB(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    if (kb) return Number(kb) / 1024;
  } catch {
    // not Linux
  }
  return (
    Number(
      execFileSync("ps", ["-o", "rss=", "-p", String(pid)])
        .toString()
        .trim(),
    ) / 1024
  );
}

/**
 * The memory a process holds alone (pages no other process maps: not Node's own binary, which the main process,
 * every worker and any other Node program share), in MB. Linux only (undefined elsewhere).
 */
export function privateMemoryMB(pid: number): number | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, "m").exec(text)?.[1] ?? NaN);
    return (kb("Private_Clean") + kb("Private_Dirty")) / 1024;
  } catch {
    return undefined;
  }
}

function message<T>(child: ChildProcess, test: (m: unknown) => m is T): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: unknown) => {
      if (test(m)) {
        child.off("message", on);
        resolve(m);
      }
    };
    child.on("message", on);
  });
}

export interface StageOptions {
  tls: boolean;
  /** Content chunks per stream, and the pause between them, for the fake OpenAI. */
  chunks: string;
  spacingMs: string;
  /** Node flags for the relay's process (e.g. --cpu-prof). */
  nodeFlags?: string[];
  /** The relay's working folder (where a CPU profile lands). */
  cwd?: string;
  /** The relays to start, by name, each with its own arguments (e.g. `--workers 2`); one named `relay` by default. */
  relays?: Record<string, RelaySetting>;
  /** Also start nginx doing the same job (TLS and plain HTTP), when it is installed. */
  nginx?: boolean;
}

/** How one relay of the stage runs: its arguments, and environment variables of its own (e.g. NODE_CLUSTER_SCHED_POLICY). */
export interface RelaySetting {
  args: string[];
  env?: Record<string, string>;
}

export interface Stage {
  /** The first relay (the one named `relay` by default). */
  relay: ChildProcess;
  relays: Record<string, ChildProcess>;
  nginx: Nginx | undefined;
  upstreamPort: number;
  /** `direct`, each relay by name, and `nginx` and `nginx-plain` when nginx runs. */
  targets: Record<string, Target> & { relay: Target; direct: Target };
  /** Runs one job in the load generator and resolves with its result. */
  ask<R>(job: unknown): Promise<R>;
  stop(): void;
}

/** Resolves with the relay's port once it says it listens; what it prints after that is not part of the measure. */
function listeningPort(relay: ChildProcess): Promise<number> {
  let out = "";
  return new Promise<number>((resolve, reject) => {
    const look = (d: Buffer) => {
      out += d.toString();
      const m = /listening on port (\d+)/.exec(out);
      if (!m) return;
      relay.stdout!.off("data", look);
      relay.stdout!.resume();
      resolve(Number(m[1]));
    };
    relay.stdout!.on("data", look);
    relay.once("exit", () => reject(new Error("relay exited:\n" + out)));
  });
}

/** Starts each relay `options.relays` names in front of the fake OpenAI; resolves with them and their ports. */
async function startRelays(options: StageOptions, home: string, upstreamPort: number, children: ChildProcess[]) {
  const relays: Record<string, ChildProcess> = {};
  const ports: Record<string, number> = {};
  for (const [name, setting] of Object.entries(options.relays ?? { relay: { args: [] } })) {
    const args = [...(options.nodeFlags ?? []), join(relayDir, "bin/passerelle.js"), "--host", "127.0.0.1"];
    args.push("--port", "0", "--no-mdns", "--upstream", `http://127.0.0.1:${upstreamPort}/v1`, ...setting.args);
    if (!options.tls) args.push("--insecure-http");
    const relay = spawn(process.execPath, args, {
      cwd: options.cwd ?? relayDir,
      env: {
        PATH: process.env.PATH,
        HOME: home,
        XDG_CONFIG_HOME: home,
        LOCALAPPDATA: home,
        PASSERELLE_HOME: home,
        ...setting.env,
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    children.push(relay);
    relays[name] = relay;
    ports[name] = await listeningPort(relay);
  }
  return { relays, ports };
}

/** Where the load generator sends: direct, each relay (paired, pinned), and nginx (TLS, pinned; plain) when it runs. */
function targetsOf(stage: {
  tls: boolean;
  token: string;
  certPem: string;
  upstreamPort: number;
  relayPorts: Record<string, number>;
  nginx: Nginx | undefined;
}): Stage["targets"] {
  const headers = { authorization: `Bearer ${KEY}` };
  const relayTarget = (port: number): Target => ({
    origin: `${stage.tls ? "https" : "http"}://127.0.0.1:${port}`,
    headers: { ...headers, "x-passerelle-token": stage.token },
    ...(stage.tls && { certPem: stage.certPem }),
  });
  const targets: Stage["targets"] = {
    ...Object.fromEntries(Object.entries(stage.relayPorts).map(([name, port]) => [name, relayTarget(port)])),
    relay: relayTarget(Object.values(stage.relayPorts)[0]!),
    direct: { origin: `http://127.0.0.1:${stage.upstreamPort}`, headers },
  };
  if (stage.nginx) {
    targets.nginx = { origin: `https://127.0.0.1:${stage.nginx.tlsPort}`, headers, certPem: stage.certPem };
    targets["nginx-plain"] = { origin: `http://127.0.0.1:${stage.nginx.plainPort}`, headers };
  }
  return targets;
}

/** Starts the fake OpenAI, the relay in front of it (TLS or plain HTTP) and the load generator. */
export async function startStage(options: StageOptions): Promise<Stage> {
  const home = mkdtempSync(join(tmpdir(), "passerelle-bench-"));
  const children: ChildProcess[] = [];
  let nginx: Nginx | undefined;
  const stop = () => {
    // The relays first, gently: with workers, their children go with them.
    for (const c of children) c.kill(c.spawnargs.some((a) => a.endsWith("passerelle.js")) ? "SIGTERM" : "SIGKILL");
    nginx?.stop();
    rmSync(home, { recursive: true, force: true });
  };
  try {
    const security = (await import(pathToFileURL(join(relayDir, "dist/auth/relay-security.js")).href)) as {
      prepareSecurity(home: string): Promise<{
        identity: { certPem: string; keyPem: string };
        devices: { add(name: string, kind: string): { token: string } };
      }>;
    };
    const prepared = await security.prepareSecurity(home);
    const { token } = prepared.devices.add("bench", "app");

    const fake = fork(join(relayDir, "bench/fake-openai.ts"), [options.chunks, options.spacingMs], { execArgv: strip });
    children.push(fake);
    const { port: upstreamPort } = await message(fake, (m): m is { port: number } => !!(m as { port?: number }).port);

    const { relays, ports: relayPorts } = await startRelays(options, home, upstreamPort, children);
    const program = options.nginx ? nginxProgram() : undefined;
    if (program) nginx = await startNginx(program, upstreamPort, prepared.identity);

    const load = fork(join(relayDir, "bench/load.ts"), [], { execArgv: strip });
    children.push(load);
    await message(load, (m): m is { ready: true } => !!(m as { ready?: boolean }).ready);

    let jobs = 0;
    const ask = async <R>(job: unknown): Promise<R> => {
      const id = ++jobs;
      load.send({ id, job });
      return (await message(load, (x): x is { id: number; result: R } => (x as { id?: number }).id === id)).result;
    };
    const targets = targetsOf({
      tls: options.tls,
      token,
      certPem: prepared.identity.certPem,
      upstreamPort,
      relayPorts,
      nginx,
    });
    return { relay: Object.values(relays)[0]!, relays, nginx, upstreamPort, targets, ask, stop };
  } catch (error) {
    stop();
    throw error;
  }
}
