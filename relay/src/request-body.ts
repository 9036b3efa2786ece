import type { IncomingMessage } from "node:http";
import { Transform, type Readable } from "node:stream";
import { RelayError } from "./errors.js";

/** A request body as the relay sends it on: none, the bytes already read, or a stream still arriving. */
export type ForwardBody = null | Buffer | Readable;

export interface BodyLimits {
  /** Largest body accepted, in bytes (audio uploads included). */
  maxBytes: number;
}

/** The 413 every over-long body gets, whether announced by Content-Length or found while streaming. */
export function bodyTooLarge(maxBytes: number): RelayError {
  return new RelayError(
    413,
    "request_too_large",
    `The request body is larger than the relay accepts (${Math.round(maxBytes / 1_000_000)} MB). Send a smaller file, or raise --max-body on the relay.`,
  );
}

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
  if (announced !== undefined && Number(announced) > limits.maxBytes) throw bodyTooLarge(limits.maxBytes);
  if (announced === "0") return Buffer.alloc(0);
  if (isJson(req)) return readWhole(req, limits.maxBytes);
  let seen = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      callback(seen > limits.maxBytes ? bodyTooLarge(limits.maxBytes) : null, chunk);
    },
  });
  // pipe() unpipes, rather than destroys, the caller's request when the counter is destroyed.
  req.pipe(counter);
  req.once("error", (error) => counter.destroy(error));
  return counter;
}

function readWhole(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.off("data", onData);
        req.resume(); // drain the rest so the 413 can be written on a healthy connection
        reject(bodyTooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.once("error", reject);
    req.once("close", () => {
      if (!req.complete) reject(new RelayError(400, "request_body_incomplete", "The request body ended early."));
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
