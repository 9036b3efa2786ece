/**
 * `node --experimental-strip-types bench/cpu.ts`: the relay's own CPU time per request, from its process
 * accounting (Linux /proc), for non-streaming calls and for streams, with the same fake upstream and load
 * generator as `npm run bench`. Options: --transport https|http, --requests-seconds S, --concurrency N,
 * --node-flag FLAG (repeatable, e.g. --node-flag=--cpu-prof to profile the relay, with --prof-dir DIR for where
 * the profile goes), --no-streams (non-streaming calls only), --memory-only (RSS idle and with 200 streams only).
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { buildRelay, rssMB, startStage } from "./stage.ts";

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
const tls = values.transport === "https";
buildRelay();

function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  // utime and stime are fields 14 and 15 of the whole line, in clock ticks (100 per second on Linux).
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}
const stage = await startStage({
  tls,
  chunks: "20",
  spacingMs: "20",
  nodeFlags: values["node-flag"],
  ...(values["prof-dir"] && { cwd: values["prof-dir"] }),
});
const { relay, ask } = stage;
const target = stage.targets.relay;
try {
  await ask({ kind: "streams", target, concurrency: 20 });
  await new Promise((r) => setTimeout(r, 500));
  const rssIdle = rssMB(relay.pid!);
  const concurrency = Number(values.concurrency);
  const durationMs = Number(values.seconds) * 1000;
  const rounds = values["memory-only"] ? 0 : 3;
  if (rounds) await ask({ kind: "json", target, concurrency, durationMs: 1000 }); // warm: connections, JIT
  const results: string[] = [];
  for (let round = 0; round < rounds; round++) {
    const before = cpuMs(relay.pid!);
    const { perSecond } = await ask<{ perSecond: number }>({ kind: "json", target, concurrency, durationMs });
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
    const s = await ask<{ ttft: number[]; chunks: number[] }>({
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
  await ask({ kind: "hold", target, concurrency: 200 });
  await new Promise((r) => setTimeout(r, 1000));
  const rssHeld = rssMB(relay.pid!);
  await ask({ kind: "release" });
  console.log(
    `RSS idle (after 20 streams) ${rssIdle.toFixed(1)} MB; with 200 streams open, after the load ${rssHeld.toFixed(1)} MB`,
  );
  relay.kill("SIGINT");
  await new Promise((r) => relay.once("exit", r));
} finally {
  stage.stop();
}
process.exit(0);
