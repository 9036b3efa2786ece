/**
 * `npm run bench`: the relay as users run it (its own process, TLS by default) against a direct call to a
 * fake OpenAI (another process), driven by a load generator (a third process), interleaved in one run.
 * Options: --transport https|http, --chunks N, --spacing MS, --rounds N, --node-flag FLAG (repeatable: a flag for
 * the relay's node, e.g. --node-flag=--max-semi-space-size=2, to measure it).
 */
import { execFileSync, fork, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    transport: { type: "string", default: "https" },
    chunks: { type: "string", default: "20" },
    spacing: { type: "string", default: "20" },
    rounds: { type: "string", default: "3" },
    "node-flag": { type: "string", multiple: true, default: [] },
  },
});
const relayDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const tls = values.transport === "https";
const rounds = Number(values.rounds);
const KEY = "sk-test-bench-0000";
const strip = ["--experimental-strip-types", "--no-warnings"];

function build(): void {
  const tsc = join(dirname(createRequire(import.meta.url).resolve("typescript/package.json")), "bin", "tsc");
  try {
    execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: relayDir, stdio: "pipe" });
  } catch (error) {
    if (!existsSync(join(relayDir, "dist", "cli.js"))) throw error;
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

let jobs = 0;
async function ask<R>(load: ChildProcess, job: unknown): Promise<R> {
  const id = ++jobs;
  load.send({ id, job });
  const m = await message(load, (x): x is { id: number; result: R } => (x as { id?: number }).id === id);
  return m.result;
}

function rssMB(pid: number): number {
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

const pct = (xs: number[], p: number) => {
  const s = [...xs].filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const started = performance.now();
  build();
  const home = mkdtempSync(join(tmpdir(), "passerelle-bench-"));
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

    const fake = fork(join(relayDir, "bench/fake-openai.ts"), [values.chunks!, values.spacing!], { execArgv: strip });
    children.push(fake);
    const { port: upstreamPort } = await message(fake, (m): m is { port: number } => !!(m as { port?: number }).port);

    const args = [...values["node-flag"]!, "bin/passerelle.js", "--host", "127.0.0.1", "--port", "0", "--no-mdns"];
    args.push("--upstream", `http://127.0.0.1:${upstreamPort}/v1`, ...(tls ? [] : ["--insecure-http"]));
    const relay = spawn(process.execPath, args, {
      cwd: relayDir,
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
    relay.stdout!.resume(); // its request lines are not part of the measure

    const load = fork(join(relayDir, "bench/load.ts"), [], { execArgv: strip });
    children.push(load);
    await message(load, (m): m is { ready: true } => !!(m as { ready?: boolean }).ready);

    const direct = { origin: `http://127.0.0.1:${upstreamPort}`, headers: { authorization: `Bearer ${KEY}` } };
    const viaRelay = {
      origin: `${tls ? "https" : "http"}://127.0.0.1:${relayPort}`,
      headers: { authorization: `Bearer ${KEY}`, "x-passerelle-token": token },
      ...(tls && { certPem: prepared.identity.certPem }),
    };
    const targets = { relay: viaRelay, direct };

    for (const t of Object.values(targets)) await ask(load, { kind: "streams", target: t, concurrency: 20 });
    await sleep(500);
    const rssIdle = rssMB(relay.pid!);
    // Open as many kept-alive connections as the largest step uses, so TLS handshakes and TCP connects
    // are not counted as time to first token: a Mac reuses its connection to the relay.
    for (const t of Object.values(targets)) await ask(load, { kind: "streams", target: t, concurrency: 200 });

    type Streams = { ttft: number[]; chunks: number[] };
    const ttft: Record<string, Record<"relay" | "direct", number[]>> = {};
    const chunkLat: Record<"relay" | "direct", number[]> = { relay: [], direct: [] };
    const streamMs = Number(values.chunks) * Number(values.spacing);
    for (const c of [1, 50, 200]) {
      ttft[c] = { relay: [], direct: [] };
      for (let r = 0; r < rounds; r++) {
        const order = (r % 2 ? ["direct", "relay"] : ["relay", "direct"]) as Array<"relay" | "direct">;
        for (const name of order) {
          const s = await ask<Streams>(load, {
            kind: "steady",
            target: targets[name],
            concurrency: c,
            durationMs: Math.max(3000, 6 * streamMs),
            staggerMs: streamMs,
          });
          ttft[c]![name].push(...s.ttft);
          if (c === 50) chunkLat[name].push(...s.chunks);
        }
      }
    }

    const rps = { relay: [] as number[], direct: [] as number[] };
    for (let r = 0; r < 2; r++) {
      for (const name of (r % 2 ? ["direct", "relay"] : ["relay", "direct"]) as Array<"relay" | "direct">) {
        const j = await ask<{ perSecond: number }>(load, {
          kind: "json",
          target: targets[name],
          concurrency: 50,
          durationMs: 2000,
        });
        rps[name].push(j.perSecond);
      }
    }

    const abortedAt = await ask<Record<string, number>>(load, { kind: "aborts", target: viaRelay, count: 20 });
    await sleep(300);
    const seenAt = (await (await fetch(`http://127.0.0.1:${upstreamPort}/_aborts`)).json()) as Record<string, number>;
    const abortDelays = Object.entries(abortedAt).map(([id, t]) => (seenAt[id] ?? Infinity) - t);
    const within = abortDelays.filter((d) => d <= 100).length;

    await ask(load, { kind: "hold", target: viaRelay, concurrency: 200 });
    await sleep(1000);
    const rssHeld = rssMB(relay.pid!);
    await ask(load, { kind: "release" });

    const f = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : "—");
    const rows: string[][] = [["measure", "relay", "direct", "added / ratio", "target", "met"]];
    const latencyRow = (label: string, r: number[], d: number[], p: number, target?: number) => {
      const added = pct(r, p) - pct(d, p);
      rows.push([
        label,
        f(pct(r, p)) + " ms",
        f(pct(d, p)) + " ms",
        `${added >= 0 ? "+" : ""}${f(added)} ms (×${f(pct(r, p) / pct(d, p))})`,
        target === undefined ? "" : `≤ +${target} ms`,
        target === undefined ? "" : added <= target ? "yes" : "NO",
      ]);
    };
    latencyRow("TTFT p50, 1 stream", ttft[1]!.relay, ttft[1]!.direct, 50);
    latencyRow("TTFT p99, 1 stream", ttft[1]!.relay, ttft[1]!.direct, 99);
    latencyRow("TTFT p50, 50 streams", ttft[50]!.relay, ttft[50]!.direct, 50, 1);
    latencyRow("TTFT p99, 50 streams", ttft[50]!.relay, ttft[50]!.direct, 99, 5);
    latencyRow("TTFT p50, 200 streams", ttft[200]!.relay, ttft[200]!.direct, 50, 3);
    latencyRow("TTFT p99, 200 streams", ttft[200]!.relay, ttft[200]!.direct, 99);
    latencyRow("chunk latency p50, 50 streams", chunkLat.relay, chunkLat.direct, 50);
    latencyRow("chunk latency p99, 50 streams", chunkLat.relay, chunkLat.direct, 99, 1);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const ratio = mean(rps.relay) / mean(rps.direct);
    rows.push([
      "non-streaming req/s, 50 callers",
      f(mean(rps.relay)),
      f(mean(rps.direct)),
      `×${f(ratio)}`,
      "≥ ×0.40",
      ratio >= 0.4 ? "yes" : "NO",
    ]);
    rows.push([
      "aborts reaching upstream ≤ 100 ms",
      `${within} of 20 (max ${f(Math.max(...abortDelays))} ms)`,
      "",
      "",
      "20 of 20",
      within === 20 ? "yes" : "NO",
    ]);
    rows.push(["relay RSS idle", `${f(rssIdle)} MB`, "", "", "≤ 80 MB", rssIdle <= 80 ? "yes" : "NO"]);
    rows.push([
      "relay RSS, 200 streams open",
      `${f(rssHeld)} MB`,
      "",
      `+${f(rssHeld - rssIdle)} MB`,
      "≤ +40 MB",
      rssHeld - rssIdle <= 40 ? "yes" : "NO",
    ]);
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    const line = (r: string[]) => "| " + r.map((c, i) => c.padEnd(widths[i]!)).join(" | ") + " |";
    console.log(
      `Passerelle relay bench: transport ${values.transport}, ${values.chunks} chunks ${values.spacing} ms apart, ${rounds} interleaved rounds, loopback;\n` +
        "N streams = N callers each starting a new stream when the last ends (starts spread over one stream's length).",
    );
    console.log(line(rows[0]!));
    console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
    for (const r of rows.slice(1)) console.log(line(r));
    console.log(`(${((performance.now() - started) / 1000).toFixed(0)} s)`);
  } finally {
    for (const c of children) c.kill("SIGKILL");
    rmSync(home, { recursive: true, force: true });
  }
}

await main();
process.exit(0);
