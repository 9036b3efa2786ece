/**
 * `npm run bench`: the relay as users run it (its own process, TLS by default) against a direct call to a
 * fake OpenAI (another process) and against nginx doing the same job (TLS 1.3 with the same P-256 certificate,
 * `proxy_buffering off`, one worker; and plain HTTP) when nginx is installed, driven by a load generator (a
 * third process), interleaved in one run. The relay runs twice: with 1 worker, and with N (--workers N; by
 * default the relay's own default, at least 2). Then the emulated home network (network.ts: Wi-Fi and internet
 * delays in network namespaces; needs root).
 * Options: --only loopback|network, --transport https|http, --chunks N, --spacing MS, --rounds N, --workers N,
 * --scheduling (also N workers accepting from one shared socket, as Node's cluster does on Windows),
 * --node-flag FLAG (repeatable: a flag for the relay's node, e.g. --node-flag=--max-semi-space-size=2, to measure
 * it); for the network: --requests N (per row, 100), --gap S (idle gap before the "after idle" rows, 2),
 * --keep-alive S (the relays' --upstream-keep-alive, 1.5; shorter than the gap, so the pool's connections have
 * closed).
 */
import { parseArgs } from "node:util";
import { runNetworkBench } from "./network.ts";
import { cpus } from "node:os";
import { buildRelay, processTree, rssMB, privateMemoryMB, startStage, type RelaySetting, type Stage } from "./stage.ts";

const { values } = parseArgs({
  options: {
    transport: { type: "string", default: "https" },
    chunks: { type: "string", default: "20" },
    spacing: { type: "string", default: "20" },
    rounds: { type: "string", default: "3" },
    "node-flag": { type: "string", multiple: true, default: [] },
    only: { type: "string", default: "" },
    requests: { type: "string", default: "100" },
    gap: { type: "string", default: "2" },
    "keep-alive": { type: "string", default: "1.5" },
    workers: { type: "string" },
    scheduling: { type: "boolean", default: false },
  },
});
const tls = values.transport === "https";
const rounds = Number(values.rounds);

const pct = (xs: number[], p: number) => {
  const s = [...xs].filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  buildRelay();
  if (values.only !== "network") await loopback();
  if (values.only !== "loopback") {
    await runNetworkBench({
      requests: Number(values.requests),
      gapMs: Number(values.gap) * 1000,
      keepAliveS: Number(values["keep-alive"]),
      nodeFlags: values["node-flag"],
    });
  }
}

/**
 * The relays compared, by name: 1 worker, and N (--workers; the relay's default, at least 2), sharing connections
 * out as Node's cluster does on this system (round robin but on Windows); with --scheduling, also N workers
 * accepting from one shared socket, as on Windows (NODE_CLUSTER_SCHED_POLICY=none).
 */
function relaySettings(): Record<string, RelaySetting> {
  const n = values.workers ? Number(values.workers) : Math.max(2, Math.min(8, cpus().length - 1));
  const workers = { args: ["--workers", String(n)] };
  return {
    "1 worker": { args: ["--workers", "1"] },
    [`${n} workers`]: workers,
    ...(values.scheduling && {
      [`${n} workers, shared accept`]: { ...workers, env: { NODE_CLUSTER_SCHED_POLICY: "none" } },
    }),
  };
}

type Streams = { ttft: number[]; chunks: number[] };

/** What one target showed over the whole run. */
interface Seen {
  ttft: Record<number, number[]>;
  chunks: number[];
  perSecond: number[];
}

/** Runs `measure` once per target in each of `rounds`, the order turning each round so no target always goes first. */
async function interleaved(names: string[], rounds: number, measure: (name: string) => Promise<void>): Promise<void> {
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < names.length; i++) await measure(names[(i + r) % names.length]!);
  }
}

/** Resident memory of a relay (its main process and each worker) or nginx's worker, in MB. */
function memory(pids: number[]): number[] {
  return pids.map(rssMB);
}

/** The private memory of each of a relay's processes (the main process first), in MB; undefined off Linux. */
type Private = number[] | undefined;

function privateMemory(pids: number[]): Private {
  const each = pids.map(privateMemoryMB);
  return each.every((m) => m !== undefined) ? each : undefined;
}

/** Memory of every relay when idle, then with 200 streams held open (a relay not yet through the load phases). */
async function memoryPhase(stage: Stage, relayNames: string[]) {
  const treeOf = (n: string) => processTree(stage.relays[n]!.pid!);
  const privateNow = () =>
    Object.fromEntries(relayNames.map((n) => [n, privateMemory(treeOf(n))])) as Record<string, Private>;
  const idle = {
    rss: Object.fromEntries(relayNames.map((n) => [n, memory(treeOf(n))])) as Record<string, number[]>,
    private: privateNow(),
  };
  const nginxWorker = stage.nginx?.workerPid();
  if (nginxWorker) idle.rss.nginx = memory([nginxWorker]);
  const held: Record<string, Private> = {};
  for (const n of relayNames) {
    await stage.ask({ kind: "hold", target: stage.targets[n], concurrency: 200 });
    await sleep(1000);
    held[n] = privateMemory(treeOf(n));
    await stage.ask({ kind: "release" });
  }
  return { idle, held, privateNow };
}

/** Streams at 1, 50 and 200 callers, then whole answers, every target in turn, interleaved. */
async function streamPhase(stage: Stage, names: string[]): Promise<Record<string, Seen>> {
  const seen: Record<string, Seen> = Object.fromEntries(
    names.map((n) => [n, { ttft: { 1: [], 50: [], 200: [] }, chunks: [], perSecond: [] }]),
  );
  const streamMs = Number(values.chunks) * Number(values.spacing);
  for (const c of [1, 50, 200]) {
    await interleaved(names, rounds, async (n) => {
      const s = await stage.ask<Streams>({
        kind: "steady",
        target: stage.targets[n],
        concurrency: c,
        durationMs: Math.max(3000, 6 * streamMs),
        staggerMs: streamMs,
      });
      seen[n]!.ttft[c]!.push(...s.ttft);
      if (c === 50) seen[n]!.chunks.push(...s.chunks);
    });
  }
  await interleaved(names, Math.max(2, rounds), async (n) => {
    const job = { kind: "json", target: stage.targets[n], concurrency: 50, durationMs: 2000 };
    seen[n]!.perSecond.push((await stage.ask<{ perSecond: number }>(job)).perSecond);
  });
  return seen;
}

/** For each relay, how long after a caller went away the upstream saw it go, for 20 abandoned streams. */
async function abortPhase(stage: Stage, relayNames: string[]): Promise<Record<string, number[]>> {
  const aborts: Record<string, number[]> = {};
  for (const n of relayNames) {
    const abortedAt = await stage.ask<Record<string, number>>({ kind: "aborts", target: stage.targets[n], count: 20 });
    await sleep(300);
    const answer = await fetch(`http://127.0.0.1:${stage.upstreamPort}/_aborts`);
    const seenAt = (await answer.json()) as Record<string, number>;
    aborts[n] = Object.entries(abortedAt).map(([id, t]) => (seenAt[id] ?? Infinity) - t);
  }
  return aborts;
}

/**
 * The relay against a direct call and against nginx doing the same job (TLS and plain HTTP, when nginx is
 * installed) on loopback, over TLS by default, interleaved in one run: streams, throughput, aborts, memory.
 */
async function loopback(): Promise<void> {
  const started = performance.now();
  const relays = relaySettings();
  const stage = await startStage({
    tls,
    chunks: values.chunks!,
    spacingMs: values.spacing!,
    nodeFlags: values["node-flag"],
    relays,
    nginx: true,
  });
  try {
    const relayNames = Object.keys(relays);
    const names = ["direct", ...(stage.nginx ? ["nginx", "nginx-plain"] : []), ...relayNames];
    for (const n of names) await stage.ask({ kind: "streams", target: stage.targets[n], concurrency: 20 });
    await sleep(500);
    const memory = await memoryPhase(stage, relayNames);
    // Open as many kept-alive connections as the largest step uses, so TLS handshakes and TCP connects
    // are not counted as time to first token: a Mac reuses its connection to the relay.
    for (const n of names) await stage.ask({ kind: "streams", target: stage.targets[n], concurrency: 200 });
    const seen = await streamPhase(stage, names);
    const aborts = await abortPhase(stage, relayNames);
    await sleep(1000);
    const after = memory.privateNow();

    console.log(
      `Passerelle relay bench: transport ${values.transport}, ${values.chunks} chunks ${values.spacing} ms apart, ${rounds} interleaved rounds, loopback, ${cpus().length} cores;\n` +
        "N streams = N callers each starting a new stream when the last ends (starts spread over one stream's length).",
    );
    if (!stage.nginx) console.log("nginx is not installed (Debian: apt-get install -y nginx): no comparison with it.");
    printTable(comparisonRows(seen, memory.idle.rss, relayNames, !!stage.nginx));
    printTable(detailRows(seen, { idle: memory.idle.private, held: memory.held, after }, aborts, relayNames));
    console.log(`(${((performance.now() - started) / 1000).toFixed(0)} s)`);
  } finally {
    stage.stop();
  }
}

const f = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : "—");
const signed = (x: number) => `${x >= 0 ? "+" : ""}${f(x)} ms`;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
/** Milliseconds a target adds to a direct call at percentile `p` of time to first token with `c` streams. */
const added = (seen: Record<string, Seen>, name: string, c: number, p = 50) =>
  pct(seen[name]!.ttft[c]!, p) - pct(seen.direct!.ttft[c]!, p);
const mb = (xs: number[]) =>
  xs.length > 1 ? `${f(xs[0]!)} MB main, ${xs.slice(1).map(f).join(" / ")} MB workers` : `${f(xs[0]!)} MB`;

/** The table: what nginx and the relay add to a direct call, side by side, with the relay's targets. */
function comparisonRows(
  seen: Record<string, Seen>,
  idle: Record<string, number[]>,
  relays: string[],
  nginx: boolean,
): string[][] {
  const head = ["added to a direct call", ...(nginx ? ["nginx, TLS", "nginx, plain"] : [])];
  for (const r of relays) head.push(`Passerelle, ${r}`, ...(nginx ? ["÷ nginx", "target met"] : []));
  const rows = [head];
  const throughput = (n: string) => mean(seen[n]!.perSecond) / mean(seen.direct!.perSecond);
  const row = (
    label: string,
    show: (n: string) => string,
    ratio: (n: string) => number,
    met: (n: string) => boolean,
  ) => {
    const cells = [label, ...(nginx ? [show("nginx"), show("nginx-plain")] : [])];
    for (const r of relays) cells.push(show(r), ...(nginx ? [`×${f(ratio(r))}`, met(r) ? "yes" : "NO"] : []));
    rows.push(cells);
  };
  row(
    "first token p50, 50 streams (≤ nginx + 0.5 ms)",
    (n) => signed(added(seen, n, 50)),
    (n) => added(seen, n, 50) / added(seen, "nginx", 50),
    (n) => added(seen, n, 50) <= added(seen, "nginx", 50) + 0.5,
  );
  row(
    "first token p50, 200 streams (≤ 1.5 × nginx)",
    (n) => signed(added(seen, n, 200)),
    (n) => added(seen, n, 200) / added(seen, "nginx", 200),
    (n) => added(seen, n, 200) <= 1.5 * Math.max(added(seen, "nginx", 200), 0),
  );
  row(
    "non-streaming throughput, 50 callers (≥ 0.8 × nginx)",
    (n) => `×${f(throughput(n))} direct`,
    (n) => throughput(n) / throughput("nginx"),
    (n) => throughput(n) >= 0.8 * throughput("nginx"),
  );
  row(
    "memory when idle, RSS (≤ 60 MB a process)",
    (n) => (idle[n] ? mb(idle[n]!) : "—"),
    (n) => Math.max(...idle[n]!) / Math.max(...idle.nginx!),
    (n) => Math.max(...idle[n]!) <= 60,
  );
  return rows;
}

/** The relay's other figures: one stream, the slow tail, chunk latency, aborts, memory under load. */
function detailRows(
  seen: Record<string, Seen>,
  memory: Record<"idle" | "held" | "after", Record<string, Private>>,
  aborts: Record<string, number[]>,
  relays: string[],
): string[][] {
  const rows = [["Passerelle, added to a direct call", ...relays, "direct"]];
  const latency = (label: string, c: number, p: number) =>
    rows.push([label, ...relays.map((r) => signed(added(seen, r, c, p))), `${f(pct(seen.direct!.ttft[c]!, p))} ms`]);
  latency("first token p50, 1 stream", 1, 50);
  latency("first token p99, 1 stream", 1, 99);
  latency("first token p99, 50 streams", 50, 99);
  latency("first token p99, 200 streams", 200, 99);
  for (const p of [50, 99]) {
    rows.push([
      `chunk latency p${p}, 50 streams`,
      ...relays.map((r) => signed(pct(seen[r]!.chunks, p) - pct(seen.direct!.chunks, p))),
      `${f(pct(seen.direct!.chunks, p))} ms`,
    ]);
  }
  rows.push([
    "aborts reaching the upstream ≤ 100 ms",
    ...relays.map((r) => `${aborts[r]!.filter((d) => d <= 100).length} of 20 (max ${f(Math.max(...aborts[r]!))} ms)`),
    "",
  ]);
  // RSS counts Node's own binary (40-50 MB of it) in every process, though all of them share it; PSS would split
  // it among every Node process on the machine (the bench's own included). Private memory is each one's alone.
  const { idle, held, after } = memory;
  if (relays.every((r) => idle[r] && held[r] && after[r])) {
    const at = (m: Record<string, Private>, r: string) => m[r]!.reduce((a, b) => a + b, 0);
    rows.push(["private memory, all processes, idle", ...relays.map((r) => `${f(at(idle, r))} MB`), ""]);
    for (const [label, m] of [
      ["200 streams open", held],
      ["after the run", after],
    ] as const) {
      rows.push([
        `private memory, all processes, ${label}`,
        ...relays.map((r) => `${f(at(m, r))} MB (+${f(at(m, r) - at(idle, r))})`),
        "",
      ]);
    }
    rows.push(["private memory a process, idle", ...relays.map((r) => mb(idle[r]!)), ""]);
  }
  return rows;
}

function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => "| " + r.map((c, i) => c.padEnd(widths[i]!)).join(" | ") + " |";
  console.log(line(rows[0]!));
  console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
  for (const r of rows.slice(1)) console.log(line(r));
}

await main();
process.exit(0);
