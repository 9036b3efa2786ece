/**
 * `npm run bench`: the relay as users run it (its own process, TLS by default) against a direct call to a
 * fake OpenAI (another process), driven by a load generator (a third process), interleaved in one run.
 * Then the emulated home network (network.ts: Wi-Fi and internet delays in network namespaces; needs root).
 * Options: --only loopback|network, --transport https|http, --chunks N, --spacing MS, --rounds N, --node-flag FLAG
 * (repeatable: a flag for the relay's node, e.g. --node-flag=--max-semi-space-size=2, to measure it); for the
 * network: --requests N (per row, 100), --gap S (idle gap before the "after idle" rows, 2), --keep-alive S (the
 * relays' --upstream-keep-alive, 1.5; shorter than the gap, so the pool's connections have closed).
 */
import { parseArgs } from "node:util";
import { runNetworkBench } from "./network.ts";
import { buildRelay, rssMB, startStage } from "./stage.ts";

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

/** The relay against a direct call on loopback, over TLS by default: load, streams, aborts, memory. */
async function loopback(): Promise<void> {
  const started = performance.now();
  const stage = await startStage({
    tls,
    chunks: values.chunks!,
    spacingMs: values.spacing!,
    nodeFlags: values["node-flag"],
  });
  const { relay, targets } = stage;
  const ask = stage.ask;
  try {
    const viaRelay = targets.relay;

    for (const t of Object.values(targets)) await ask({ kind: "streams", target: t, concurrency: 20 });
    await sleep(500);
    const rssIdle = rssMB(relay.pid!);
    // 200 streams held open on a relay that has not yet been through the load phases below, whose buffers
    // the allocator keeps for a while (the last row shows how much).
    await ask({ kind: "hold", target: viaRelay, concurrency: 200 });
    await sleep(1000);
    const rssHeld = rssMB(relay.pid!);
    await ask({ kind: "release" });
    // Open as many kept-alive connections as the largest step uses, so TLS handshakes and TCP connects
    // are not counted as time to first token: a Mac reuses its connection to the relay.
    for (const t of Object.values(targets)) await ask({ kind: "streams", target: t, concurrency: 200 });

    type Streams = { ttft: number[]; chunks: number[] };
    const ttft: Record<string, Record<"relay" | "direct", number[]>> = {};
    const chunkLat: Record<"relay" | "direct", number[]> = { relay: [], direct: [] };
    const streamMs = Number(values.chunks) * Number(values.spacing);
    for (const c of [1, 50, 200]) {
      ttft[c] = { relay: [], direct: [] };
      for (let r = 0; r < rounds; r++) {
        const order = (r % 2 ? ["direct", "relay"] : ["relay", "direct"]) as Array<"relay" | "direct">;
        for (const name of order) {
          const s = await ask<Streams>({
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
        const j = await ask<{ perSecond: number }>({
          kind: "json",
          target: targets[name],
          concurrency: 50,
          durationMs: 2000,
        });
        rps[name].push(j.perSecond);
      }
    }

    const abortedAt = await ask<Record<string, number>>({ kind: "aborts", target: viaRelay, count: 20 });
    await sleep(300);
    const seenAt = (await (await fetch(`http://127.0.0.1:${stage.upstreamPort}/_aborts`)).json()) as Record<
      string,
      number
    >;
    const abortDelays = Object.entries(abortedAt).map(([id, t]) => (seenAt[id] ?? Infinity) - t);
    const within = abortDelays.filter((d) => d <= 100).length;

    await sleep(1000);
    const rssAfter = rssMB(relay.pid!);

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
    rows.push(["relay RSS after the whole run", `${f(rssAfter)} MB`, "", `+${f(rssAfter - rssIdle)} MB`, "", ""]);
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
    stage.stop();
  }
}

await main();
process.exit(0);
