/**
 * Bench load generator, in its own process so the client is not what is measured. Driven over IPC by
 * run.ts; talks through undici Pool.dispatch (no fetch, no SSE parser beyond finding `x_sent`).
 */
import { X509Certificate } from "node:crypto";
import { Pool, type Dispatcher } from "undici";

export interface Target {
  origin: string;
  /** PEM of the relay's certificate, pinned; absent for plain HTTP. */
  certPem?: string;
  headers: Record<string, string>;
}

export type Job =
  | { kind: "streams"; target: Target; concurrency: number }
  | { kind: "steady"; target: Target; concurrency: number; durationMs: number; staggerMs: number }
  | { kind: "json"; target: Target; concurrency: number; durationMs: number }
  | { kind: "aborts"; target: Target; count: number }
  | { kind: "hold"; target: Target; concurrency: number }
  | { kind: "release" };

const pools = new Map<string, Pool>();
const now = () => performance.timeOrigin + performance.now();
const STREAM = Buffer.from(
  JSON.stringify({ model: "gpt-4.1-mini", stream: true, messages: [{ role: "user", content: "Bonjour" }] }),
);
const JSON_BODY = Buffer.from(
  JSON.stringify({ model: "gpt-4.1-mini", messages: [{ role: "user", content: "Bonjour" }] }),
);

function pool(target: Target): Pool {
  let p = pools.get(target.origin);
  if (!p) {
    const fingerprint = target.certPem && new X509Certificate(target.certPem).fingerprint256;
    p = new Pool(target.origin, {
      connections: 512,
      pipelining: 1,
      ...(target.certPem && {
        connect: {
          ca: [target.certPem],
          checkServerIdentity: (_h: string, cert: { fingerprint256: string }) =>
            cert.fingerprint256 === fingerprint ? undefined : new Error("wrong certificate"),
        },
      }),
    });
    pools.set(target.origin, p);
  }
  return p;
}

interface Call {
  firstByte?: number;
  chunkLatencies: number[];
  controller?: Dispatcher.DispatchController;
}

/** One request; resolves at its end with what it saw. `onFirst` runs at the first body byte. */
function call(target: Target, body: Buffer, extra: Record<string, string>, onFirst?: (c: Call) => void): Promise<Call> {
  const started = performance.now();
  const seen: Call = { chunkLatencies: [] };
  return new Promise((resolve) => {
    pool(target).dispatch(
      {
        path: "/v1/chat/completions",
        method: "POST",
        headers: { ...target.headers, ...extra, "content-type": "application/json" },
        body,
      },
      {
        onRequestStart(c) {
          seen.controller = c;
        },
        onResponseStart() {},
        onResponseData(_c, chunk: Buffer) {
          const at = now();
          if (seen.firstByte === undefined) {
            seen.firstByte = performance.now() - started;
            onFirst?.(seen);
          }
          const text = chunk.toString("latin1");
          for (const m of text.matchAll(/"x_sent":([\d.]+)/g)) seen.chunkLatencies.push(at - Number(m[1]));
        },
        onResponseEnd: () => resolve(seen),
        onResponseError: () => resolve(seen),
      },
    );
  });
}

let held: Call[] = [];

async function run(job: Job): Promise<unknown> {
  switch (job.kind) {
    case "streams": {
      const calls = await Promise.all(Array.from({ length: job.concurrency }, () => call(job.target, STREAM, {})));
      return { ttft: calls.map((c) => c.firstByte ?? NaN), chunks: calls.flatMap((c) => c.chunkLatencies) };
    }
    case "steady": {
      // `concurrency` callers, each starting a new stream as soon as its last one ends, their first starts
      // spread over `staggerMs`: streams open side by side as in a classroom, not fired in one instant.
      const ttft: number[] = [];
      const chunks: number[] = [];
      const until = performance.now() + job.durationMs;
      await Promise.all(
        Array.from({ length: job.concurrency }, async () => {
          await new Promise((resolve) => setTimeout(resolve, Math.random() * job.staggerMs));
          while (performance.now() < until) {
            const c = await call(job.target, STREAM, {});
            ttft.push(c.firstByte ?? NaN);
            chunks.push(...c.chunkLatencies);
          }
        }),
      );
      return { ttft, chunks };
    }
    case "json": {
      let done = 0;
      const until = performance.now() + job.durationMs;
      await Promise.all(
        Array.from({ length: job.concurrency }, async () => {
          while (performance.now() < until) {
            await call(job.target, JSON_BODY, {});
            done++;
          }
        }),
      );
      return { perSecond: done / (job.durationMs / 1000) };
    }
    case "aborts": {
      const abortedAt: Record<string, number> = {};
      for (let i = 0; i < job.count; i++) {
        const id = `abort-${Date.now()}-${i}`;
        await call(job.target, STREAM, { "x-bench-id": id, "x-bench-chunks": "500" }, (c) => {
          abortedAt[id] = now();
          c.controller?.abort(new Error("bench abort"));
        });
      }
      return abortedAt;
    }
    case "hold": {
      held = [];
      const extra = { "x-bench-chunks": "2000", "x-bench-spacing": "50" };
      await new Promise<void>((resolve) => {
        let open = 0;
        for (let i = 0; i < job.concurrency; i++) {
          void call(job.target, STREAM, extra, (c) => {
            held.push(c);
            if (++open === job.concurrency) resolve();
          });
        }
      });
      return { open: held.length };
    }
    case "release":
      for (const c of held) c.controller?.abort(new Error("bench release"));
      held = [];
      return {};
  }
}

process.on("message", (message: { id: number; job: Job }) => {
  void run(message.job).then((result) => process.send!({ id: message.id, result }));
});
process.send?.({ ready: true });
