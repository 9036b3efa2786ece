/**
 * The "Mac" of the emulated network bench, run inside its network namespace by network.ts. Asks for one
 * short stream at a time and measures the time to its first token, from before the connection is opened
 * (a newly opened Raycast command has no connection yet). Prints one JSON object: the first-token times of
 * each row, in ms.
 * Usage: node --experimental-strip-types bench/network-client.ts '<JSON plan>'
 */
import { randomBytes, X509Certificate } from "node:crypto";
import { connect as connectTls } from "node:tls";
import { Client, type Dispatcher } from "undici";

interface Target {
  origin: string;
  certPem: string;
  /** Pin by fingerprint (the relay's self-signed certificate) rather than by name. */
  pin: boolean;
  headers: Record<string, string>;
}

interface Plan {
  requests: number;
  gapMs: number;
  relay: Target;
  relayNoStandby: Target;
  direct: Target;
}

const plan = JSON.parse(process.argv[2]!) as Plan;
const BODY = Buffer.from(
  JSON.stringify({ model: "gpt-4.1-mini", stream: true, messages: [{ role: "user", content: "Bonjour" }] }),
);
// Ask with a 3 MB image, as the extension sends it: the picture's base64 in an image part of the question.
const IMAGE = randomBytes(3_000_000).toString("base64");
const IMAGE_BODY = Buffer.from(
  JSON.stringify({
    model: "gpt-4.1-mini",
    stream: true,
    messages: [
      {
        role: "user",
        content: [
          { type: "image_url", image_url: { url: `data:image/png;base64,${IMAGE}` } },
          { type: "text", text: "What is in this picture?" },
        ],
      },
    ],
  }),
);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function client(target: Target, session?: Buffer): Client {
  const fingerprint = new X509Certificate(target.certPem).fingerprint256;
  return new Client(target.origin, {
    connect: {
      ...(session && { session }),
      ca: [target.certPem],
      ...(target.pin && {
        checkServerIdentity: (_host: string, cert: { fingerprint256: string }) =>
          cert.fingerprint256 === fingerprint ? undefined : new Error("wrong certificate"),
      }),
    },
  });
}

/** One short stream, read to its end; resolves with the time from `startedAt` to its first body bytes. */
function stream(c: Client, target: Target, startedAt: number, body: Buffer = BODY): Promise<number> {
  return new Promise((resolve, reject) => {
    let first: number | undefined;
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart() {},
      onResponseStart(_c, status) {
        if (status !== 200) reject(new Error(`status ${status}`));
      },
      onResponseData() {
        first ??= performance.now() - startedAt;
      },
      onResponseEnd() {
        if (first === undefined) reject(new Error("no body"));
        else resolve(first);
      },
      onResponseError(_c, error) {
        reject(error);
      },
    };
    c.dispatch(
      {
        method: "POST",
        path: "/v1/chat/completions",
        headers: {
          ...target.headers,
          "content-type": "application/json",
          "x-bench-chunks": "5",
          "x-bench-spacing": "5",
        },
        body,
      },
      handler,
    );
  });
}

/** A TLS session ticket from the relay, as a client that has talked to it before would keep one. */
function ticket(target: Target): Promise<Buffer> {
  const url = new URL(target.origin);
  return new Promise((resolve, reject) => {
    const socket = connectTls({
      host: url.hostname,
      port: Number(url.port),
      ca: [target.certPem],
      checkServerIdentity: () => undefined,
    });
    socket.once("session", (session: Buffer) => {
      resolve(session);
      socket.end();
    });
    socket.once("error", reject);
  });
}

/** First token on a connection opened for this request alone, as a command just opened makes it. */
async function fresh(target: Target, session?: Buffer, body?: Buffer): Promise<number> {
  const startedAt = performance.now();
  const c = client(target, session);
  try {
    return await stream(c, target, startedAt, body);
  } finally {
    await c.close();
  }
}

const rows = {
  direct: [] as number[],
  relayAfterIdle: [] as number[],
  relayAfterIdleNoStandby: [] as number[],
  relayWarm: [] as number[],
  relayResumed: [] as number[],
  relayKept: [] as number[],
  imageDirect: [] as number[],
  imageRelay: [] as number[],
  failures: 0,
};
const kept = client(plan.relay);
const note = async (row: number[], measure: () => Promise<number>) => {
  try {
    row.push(await measure());
  } catch (error) {
    if (!rows.failures++) console.error(`first failure: ${(error as Error).message}`);
  }
};

// Warm-up, not counted: code paths compiled, every process touched once.
for (const target of [plan.direct, plan.relay, plan.relayNoStandby]) await fresh(target).catch(() => 0);
await stream(kept, plan.relay, performance.now()).catch(() => 0);
const session = await ticket(plan.relay);

for (let i = 0; i < plan.requests; i++) {
  // Longer than the relays' pool idle time: their pooled upstream connections have closed.
  await sleep(plan.gapMs);
  await note(rows.relayAfterIdle, () => fresh(plan.relay));
  await note(rows.relayAfterIdleNoStandby, () => fresh(plan.relayNoStandby));
  await note(rows.direct, () => fresh(plan.direct));
  await note(rows.relayWarm, () => fresh(plan.relay));
  await note(rows.relayResumed, () => fresh(plan.relay, session));
  await note(rows.relayKept, () => stream(kept, plan.relay, performance.now()));
  await note(rows.imageDirect, () => fresh(plan.direct, undefined, IMAGE_BODY));
  await note(rows.imageRelay, () => fresh(plan.relay, undefined, IMAGE_BODY));
}
await kept.close();
console.log(JSON.stringify(rows));
process.exit(0);
