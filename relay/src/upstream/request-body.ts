/** The caller's body, taken for forwarding: JSON read whole (bounded), anything else streamed through a counter. */
import type { IncomingMessage } from "node:http";
import { Transform, type Readable } from "node:stream";
import { relayBusy, requestBodyIncomplete, requestTooLarge, type RelayError } from "../errors.js";

/** A request body as the relay sends it on: none, the bytes already read, or a stream still arriving. */
export type ForwardBody = null | Buffer | Readable;

export interface BodyLimits {
  /** Largest body accepted, in bytes (audio uploads included). */
  maxBytes: number;
  /** JSON bytes held in memory by all requests together; the relay's own by default. */
  buffered?: BufferBudget;
}

/** Bytes of request bodies held in memory at once, all requests together. */
export interface BufferBudget {
  used: number;
  max: number;
}

/**
 * What all JSON bodies being read may hold together: a few large ones (images in base64) at a time,
 * not --max-concurrent of them. A body alone may always use up to its own limit.
 */
export const DEFAULT_BUFFERED_BYTES = 256 * 1024 * 1024;

const relayBudget: BufferBudget = { used: 0, max: DEFAULT_BUFFERED_BYTES };

/** JSON bodies are read whole (they are small, and the model name routes them); others stream through. */
function isJson(req: IncomingMessage): boolean {
  const type = req.headers["content-type"];
  return type !== undefined && /^application\/json\b/i.test(type);
}

/**
 * Takes the caller's body for forwarding, without touching its bytes. JSON is read into memory (bounded),
 * everything else (multipart audio, files) is streamed through a byte counter. The caller's socket is never
 * handed to the HTTP client itself: if the upstream fails, the client may destroy the body it was given,
 * and the caller must still get an error answer.
 */
export async function takeRequestBody(req: IncomingMessage, limits: BodyLimits): Promise<ForwardBody> {
  if (req.method === "GET" || req.method === "HEAD") return null;
  const announced = req.headers["content-length"];
  if (announced !== undefined && Number(announced) > limits.maxBytes) throw requestTooLarge(limits.maxBytes);
  if (announced === "0") return Buffer.alloc(0);
  if (isJson(req)) return readWhole(req, limits.maxBytes, limits.buffered ?? relayBudget);
  return streamThrough(req, limits.maxBytes, limits.buffered ?? relayBudget);
}

/** Bytes of a streamed body held while the upstream takes it: a few socket reads' worth. */
const FLOWING_BYTES = 256 * 1024;

/**
 * Bytes of a streamed body read ahead of an upstream that has stopped taking it. A caller that leaves
 * mid-upload is seen only once its connection has been read up to its end: what lies between, in the
 * two computers' TCP buffers (a few MB), must be read, or the upstream request would wait for the whole
 * request's deadline (5 minutes) with no one to answer.
 */
export const READ_AHEAD_BYTES = 8 * 1024 * 1024;

/** An upstream that has taken nothing of the body for this long has stopped taking it. */
const STALLED_MS = 250;

/**
 * The caller's body as a stream for the upstream, its bytes counted against `maxBytes`. While the
 * upstream takes it, the caller is held back as it sends (a few hundred KB in memory); once the upstream
 * stops taking it, the caller's connection is read up to {@link READ_AHEAD_BYTES} ahead (within the
 * budget all bodies share), so that a caller leaving is seen at once.
 */
function streamThrough(req: IncomingMessage, maxBytes: number, budget: BufferBudget): Readable {
  let seen = 0;
  let held = 0;
  let stalled = false;
  let stallTimer: NodeJS.Timeout | undefined;
  const giveBack = (bytes: number) => {
    held -= bytes;
    budget.used -= bytes;
  };
  const room = () => held < (stalled ? READ_AHEAD_BYTES : FLOWING_BYTES) && budget.used < budget.max;
  const body = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      giveBack(chunk.length);
      stalled = false;
      clearTimeout(stallTimer);
      if (req.isPaused() && room()) req.resume();
      callback(null, chunk);
    },
  });
  const onData = (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > maxBytes) return void body.destroy(requestTooLarge(maxBytes));
    held += chunk.length;
    budget.used += chunk.length;
    body.write(chunk);
    if (room()) return;
    req.pause();
    if (stalled) return;
    clearTimeout(stallTimer);
    stallTimer = setTimeout(() => {
      stalled = true;
      if (room()) req.resume();
    }, STALLED_MS);
  };
  req.on("data", onData);
  req.once("end", () => body.end());
  req.once("error", (error) => body.destroy(error));
  req.once("close", () => {
    if (!req.complete) body.destroy(requestBodyIncomplete());
  });
  // Destroyed (the upstream failed, the body was too large): the caller's request is left alone, its
  // bytes no longer held.
  body.once("close", () => {
    clearTimeout(stallTimer);
    req.off("data", onData);
    giveBack(held);
  });
  return body;
}

/**
 * The body when it came whole with its headers (a chat request, usually) and within bounds: taken in one
 * read, without a turn of the stream's events per chunk, which sits before the first token. Anything else
 * (not all here yet, too large, the budget spent) is left to {@link readWhole}, which answers it.
 */
function arrivedWhole(req: IncomingMessage, maxBytes: number, budget: BufferBudget): Buffer | undefined {
  const size = req.readableLength;
  if (!req.complete || req.readableFlowing !== null || size > maxBytes) return undefined;
  if (budget.used > 0 && budget.used + size > budget.max) return undefined;
  return (req.read() as Buffer | null) ?? Buffer.alloc(0);
}

function readWhole(req: IncomingMessage, maxBytes: number, budget: BufferBudget): Promise<Buffer> {
  const arrived = arrivedWhole(req, maxBytes, budget);
  if (arrived) return Promise.resolve(arrived);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let held = 0;
    // Given back once the body is whole (it goes on at once) or abandoned.
    const release = () => {
      budget.used -= held;
      held = 0;
    };
    const stop = (error: RelayError) => {
      req.off("data", onData);
      release();
      chunks.length = 0;
      req.resume(); // drain the rest so the answer can be written on a healthy connection
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) return stop(requestTooLarge(maxBytes));
      // Others' bodies and this one together past the budget: this one waits for a retry.
      if (budget.used > held && budget.used + chunk.length > budget.max) return stop(relayBusy("memory"));
      budget.used += chunk.length;
      held += chunk.length;
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => {
      release();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    req.once("error", (error) => {
      release();
      reject(error);
    });
    req.once("close", () => {
      release();
      if (!req.complete) reject(requestBodyIncomplete());
    });
  });
}

/**
 * The `model` field of a JSON body, when there is one. Parsing costs a few microseconds for a
 * chat request; bodies larger than `parseUpTo` are parsed only when routing needs the answer.
 */
export function modelOf(body: ForwardBody, parseUpTo: number): string | undefined {
  if (!Buffer.isBuffer(body) || body.length === 0 || body.length > parseUpTo) return undefined;
  try {
    const parsed: unknown = JSON.parse(body.toString("utf8"));
    const model = (parsed as { model?: unknown } | null)?.model;
    // Printable ASCII only, so a model name cannot forge a log line.
    return typeof model === "string" && /^[\x21-\x7e]{1,200}$/.test(model) ? model : undefined;
  } catch {
    return undefined; // the upstream will say what is wrong with it
  }
}
