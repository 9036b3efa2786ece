/**
 * `node --experimental-strip-types bench/cpu.ts`: the relay's own CPU time per request, from its process
 * accounting (Linux /proc), for non-streaming calls and for streams, with the same fake upstream and load
 * generator as `npm run bench`. Options: --transport https|http, --requests-seconds S, --concurrency N,
 * --node-flag FLAG (repeatable, e.g. --node-flag=--cpu-prof to profile the relay, with --prof-dir DIR for where
 * the profile goes), --no-streams (non-streaming calls only), --memory-only (RSS idle and with 200 streams only).
 */
import { execFileSync, fork, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    transport: { type: "string", default: "http" },
    seconds: { type: "string", default: "4" },
    concurrency: { type: "string", default: "50" },
    "node-flag": { type: "string", multiple: true, default: [] },
    "prof-dir": { type: "string" },
    "memory-only": { type: "boolean", default: false },
    "no-streams": { type: "boolean", default: false },
  },
});
const relayDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const tls = values.transport === "https";
const strip = ["--experimental-strip-types", "--no-warnings"];
const KEY = "sk-test-bench-0000";

const tsc = join(dirname(createRequire(import.meta.url).resolve("typescript/package.json")), "bin", "tsc");
execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: relayDir, stdio: "inherit" });

function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  // utime and stime are fields 14 and 15 of the whole line, in clock ticks (100 per second on Linux).
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}
const rssMB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;

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
let jobs = 0;
async function ask<R>(load: ChildProcess, job: unknown): Promise<R> {
  const id = ++jobs;
  load.send({ id, job });
  return (await message(load, (x): x is { id: number; result: R } => (x as { id?: number }).id === id)).result;
}

const home = mkdtempSync(join(tmpdir(), "passerelle-cpu-"));
const children: ChildProcess[] = [];
try {
  const security = (await import(pathToFileURL(join(relayDir, "dist/security/relay-security.js")).href)) as {
    prepareSecurity(home: string): Promise<{
      identity: { certPem: string };
      devices: { add(name: string, kind: string): { token: string } };
    }>;
  };
  const prepared = await security.prepareSecurity(home);
  const { token } = prepared.devices.add("bench", "app");
  const fake = fork(join(relayDir, "bench/fake-openai.ts"), ["20", "20"], { execArgv: strip });
  children.push(fake);
  const { port: upstreamPort } = await message(fake, (m): m is { port: number } => !!(m as { port?: number }).port);
  const args = [...values["node-flag"]!, join(relayDir, "bin/passerelle.js"), "--host", "127.0.0.1", "--port", "0"];
  args.push("--no-mdns", "--upstream", `http://127.0.0.1:${upstreamPort}/v1`, ...(tls ? [] : ["--insecure-http"]));
  const relay = spawn(process.execPath, args, {
    cwd: values["prof-dir"] ?? relayDir,
    env: { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: home, APPDATA: home, PASSERELLE_HOME: home },
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
  relay.stdout!.resume();
  const load = fork(join(relayDir, "bench/load.ts"), [], { execArgv: strip });
  children.push(load);
  await message(load, (m): m is { ready: true } => !!(m as { ready?: boolean }).ready);
  const target = {
    origin: `${tls ? "https" : "http"}://127.0.0.1:${relayPort}`,
    headers: { authorization: `Bearer ${KEY}`, "x-passerelle-token": token },
    ...(tls && { certPem: prepared.identity.certPem }),
  };
  await ask(load, { kind: "streams", target, concurrency: 20 });
  await new Promise((r) => setTimeout(r, 500));
  const rssIdle = rssMB(relay.pid!);
  const concurrency = Number(values.concurrency);
  const durationMs = Number(values.seconds) * 1000;
  const rounds = values["memory-only"] ? 0 : 3;
  if (rounds) await ask(load, { kind: "json", target, concurrency, durationMs: 1000 }); // warm: connections, JIT
  const results: string[] = [];
  for (let round = 0; round < rounds; round++) {
    const before = cpuMs(relay.pid!);
    const { perSecond } = await ask<{ perSecond: number }>(load, { kind: "json", target, concurrency, durationMs });
    const used = cpuMs(relay.pid!) - before;
    const n = perSecond * (durationMs / 1000);
    results.push(`${((used * 1000) / n).toFixed(0)} µs (${perSecond.toFixed(0)}/s)`);
  }
  console.log(
    `non-streaming, ${concurrency} callers, ${values.transport}: relay CPU per request ${results.join(", ")}`,
  );
  const streams: string[] = [];
  for (let round = 0; round < (values["no-streams"] ? 0 : Math.min(rounds, 2)); round++) {
    const before = cpuMs(relay.pid!);
    const s = await ask<{ ttft: number[]; chunks: number[] }>(load, {
      kind: "steady",
      target,
      concurrency,
      durationMs,
      staggerMs: 400,
    });
    const used = cpuMs(relay.pid!) - before;
    streams.push(`${((used * 1000) / s.chunks.length).toFixed(1)} µs/chunk (${s.ttft.length} streams)`);
  }
  console.log(`streams, ${concurrency} callers: relay CPU ${streams.join(", ")}`);
  await ask(load, { kind: "hold", target, concurrency: 200 });
  await new Promise((r) => setTimeout(r, 1000));
  const rssHeld = rssMB(relay.pid!);
  await ask(load, { kind: "release" });
  console.log(
    `RSS idle (after 20 streams) ${rssIdle.toFixed(1)} MB; with 200 streams open, after the load ${rssHeld.toFixed(1)} MB`,
  );
  relay.kill("SIGINT");
  await new Promise((r) => relay.once("exit", r));
} finally {
  for (const c of children) c.kill("SIGKILL");
  rmSync(home, { recursive: true, force: true });
}
process.exit(0);
