/**
 * What both benches stand on: the relay built, a fake OpenAI, the relay as users run it and a load
 * generator, each in its own process, with one paired device.
 */
import { execFileSync, fork, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { buildRelay, relayDir } from "../scripts/build-relay.ts";
import type { Target } from "./load.ts";

export { buildRelay };

const KEY = "sk-test-bench-0000";
const strip = ["--experimental-strip-types", "--no-warnings"];

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
}

export interface Stage {
  relay: ChildProcess;
  upstreamPort: number;
  targets: { relay: Target; direct: Target };
  /** Runs one job in the load generator and resolves with its result. */
  ask<R>(job: unknown): Promise<R>;
  stop(): void;
}

/** Starts the fake OpenAI, the relay in front of it (TLS or plain HTTP) and the load generator. */
export async function startStage(options: StageOptions): Promise<Stage> {
  const home = mkdtempSync(join(tmpdir(), "passerelle-bench-"));
  const children: ChildProcess[] = [];
  const stop = () => {
    for (const c of children) c.kill("SIGKILL");
    rmSync(home, { recursive: true, force: true });
  };
  try {
    const security = (await import(pathToFileURL(join(relayDir, "dist/auth/relay-security.js")).href)) as {
      prepareSecurity(home: string): Promise<{
        identity: { certPem: string };
        devices: { add(name: string, kind: string): { token: string } };
      }>;
    };
    const prepared = await security.prepareSecurity(home);
    const { token } = prepared.devices.add("bench", "app");

    const fake = fork(join(relayDir, "bench/fake-openai.ts"), [options.chunks, options.spacingMs], { execArgv: strip });
    children.push(fake);
    const { port: upstreamPort } = await message(fake, (m): m is { port: number } => !!(m as { port?: number }).port);

    const args = [...(options.nodeFlags ?? []), join(relayDir, "bin/passerelle.js"), "--host", "127.0.0.1"];
    args.push("--port", "0", "--no-mdns", "--upstream", `http://127.0.0.1:${upstreamPort}/v1`);
    if (!options.tls) args.push("--insecure-http");
    const relay = spawn(process.execPath, args, {
      cwd: options.cwd ?? relayDir,
      env: { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: home, LOCALAPPDATA: home, PASSERELLE_HOME: home },
      stdio: ["ignore", "pipe", "inherit"],
    });
    children.push(relay);
    let out = "";
    const relayPort = await new Promise<number>((resolve, reject) => {
      relay.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /listening on port (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      relay.once("exit", () => reject(new Error("relay exited:\n" + out)));
    });
    relay.stdout!.resume(); // its request lines are not part of the measure

    const load = fork(join(relayDir, "bench/load.ts"), [], { execArgv: strip });
    children.push(load);
    await message(load, (m): m is { ready: true } => !!(m as { ready?: boolean }).ready);

    let jobs = 0;
    const ask = async <R>(job: unknown): Promise<R> => {
      const id = ++jobs;
      load.send({ id, job });
      return (await message(load, (x): x is { id: number; result: R } => (x as { id?: number }).id === id)).result;
    };
    const targets = {
      relay: {
        origin: `${options.tls ? "https" : "http"}://127.0.0.1:${relayPort}`,
        headers: { authorization: `Bearer ${KEY}`, "x-passerelle-token": token },
        ...(options.tls && { certPem: prepared.identity.certPem }),
      },
      direct: { origin: `http://127.0.0.1:${upstreamPort}`, headers: { authorization: `Bearer ${KEY}` } },
    };
    return { relay, upstreamPort, targets, ask, stop };
  } catch (error) {
    stop();
    throw error;
  }
}
