/** The forwarder: a request sent to one upstream over kept-alive connections, its answer written back as it comes. */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { Dispatcher } from "undici";
import { RelayError, errorDetail, upstreamRedirect } from "../errors.js";
import { upstreamFailure, writeFailure, type UpstreamTimeouts } from "./failures.js";
import { callerResponseHeaders, upstreamRequestHeaders } from "./headers.js";
import type { ForwardBody } from "./request-body.js";
import { StandbyConnector } from "./standby.js";
import { Pool } from "./pool.js";

/** What happened to one forwarded request, for the request log. */
export interface ForwardOutcome {
  /** The status the caller was sent; {@link CALLER_LEFT_STATUS} when it left before any. */
  status: number;
  bytes: number;
  /** Why the exchange ended early, if it did: a relay error code or `caller_gone`. */
  failure?: string;
  /** The underlying error's name and code when the upstream failed (never its message). */
  detail?: string;
  /** Time from sending the request to the upstream's response headers. */
  firstByteMs?: number;
  /** The upstream's `x-request-id`, which OpenAI support asks for. */
  requestId?: string;
}

/** What goes to the upstream besides the caller's method and path. */
export interface ForwardRequest {
  /** Headers to send; by default the caller's, without hop-by-hop ones. */
  headers?: Record<string, string | string[]>;
  /** The body, as taken by `takeRequestBody` (never the caller's socket itself). */
  body: ForwardBody;
}

/** How the connections to an upstream are kept. */
export interface UpstreamConnection {
  /** How long an unused connection stays open. */
  keepAliveMs: number;
  /** Keep one connection opened ahead (see standby.ts), for a quick first token after a silence. */
  standby: boolean;
  /** Connections are opened ahead for this long after the last request or caller (1 h by default). */
  warmForMs?: number;
}

/** Forwards requests to one upstream origin over a pool of kept-alive connections. */
export interface Forwarder {
  /**
   * Sends the caller's request to `path` on the upstream and writes the answer straight to `res`,
   * chunk by chunk, never buffering or re-encoding it. Resolves once `res` is closed.
   */
  forward(req: IncomingMessage, res: ServerResponse, path: string, request: ForwardRequest): Promise<ForwardOutcome>;
  /** A small GET answered whole (for the merged model list), bounded by `timeoutMs`; rejects on failure. */
  get(path: string, headers: Record<string, string | string[]>, timeoutMs: number): Promise<SmallAnswer>;
  /** Someone is about to ask: have a connection to the upstream ready (only a connection: nothing is sent). */
  warm(): void;
  /** The upstream's base URL. */
  readonly upstream: URL;
  close(): Promise<void>;
}

/** A whole, small upstream answer. */
export interface SmallAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

const SMALL_ANSWER_LIMIT = 4 * 1024 * 1024;

const CALLER_GONE = new Error("The caller closed the connection.");

/**
 * Where a caller's `/v1` path goes on `upstream`: under its path prefix (`/openai/v1` for Azure OpenAI),
 * with the upstream's own query (`api-version=…`) before the caller's.
 */
export function upstreamTarget(upstream: URL): (path: string) => string {
  const basePath = upstream.pathname.replace(/\/+$/, "");
  const baseQuery = upstream.search.slice(1);
  if (!baseQuery) return (path) => basePath + path;
  return (path) => {
    const q = path.indexOf("?");
    if (q === -1) return `${basePath}${path}?${baseQuery}`;
    const callerQuery = path.slice(q + 1);
    return `${basePath}${path.slice(0, q)}?${baseQuery}${callerQuery ? "&" + callerQuery : ""}`;
  };
}

/** What `res` is waiting for while the upstream answers: the outcome so far and the request to stop. */
interface Exchange {
  res: ServerResponse;
  outcome: ForwardOutcome;
  sentAt: number;
  controller?: Dispatcher.DispatchController;
  contentType?: string;
}

/**
 * The status logged for a caller that left before any answer: 499, "client closed request", as nginx logs it.
 * The caller never sees it.
 */
export const CALLER_LEFT_STATUS = 499;

/** Creates a forwarder for `upstream` (e.g. `https://api.openai.com/v1`). */
export function createForwarder(
  upstream: URL,
  timeouts: UpstreamTimeouts,
  connection: UpstreamConnection = { keepAliveMs: 30_000, standby: false },
): Forwarder {
  const standby = connection.standby ? standbyFor(upstream, timeouts, connection) : undefined;
  const pool = new Pool(upstream.origin, {
    connect: standby ? standby.connect : { timeout: timeouts.connectMs },
    headersTimeout: timeouts.firstByteMs,
    bodyTimeout: timeouts.idleMs,
    // As long as the upstream's Keep-Alive hint allows, never longer than keepAliveMs.
    keepAliveTimeout: connection.keepAliveMs,
    keepAliveMaxTimeout: connection.keepAliveMs,
  });
  standby?.warm();
  const target = upstreamTarget(upstream);

  function forward(req: IncomingMessage, res: ServerResponse, path: string, request: ForwardRequest) {
    const headers = request.headers ?? upstreamRequestHeaders(req.headers);
    return new Promise<ForwardOutcome>((resolve) => {
      const exchange: Exchange = { res, outcome: { status: 0, bytes: 0 }, sentAt: performance.now() };
      res.once("close", () => resolve(closed(exchange)));
      const method = req.method as Dispatcher.HttpMethod;
      const options = { origin: upstream.origin, path: target(path), method, headers, body: request.body };
      pool.dispatch(options, answerWriter(exchange, upstream, timeouts));
    });
  }

  return {
    upstream,
    forward,
    get: (path, headers, timeoutMs) => getWhole(pool, upstream.origin + target(path), headers, timeoutMs),
    warm: () => standby?.warm(),
    close: () => {
      standby?.close();
      return pool.close();
    },
  };
}

/** One connection to the upstream kept ready between requests (standby.ts). */
function standbyFor(upstream: URL, timeouts: UpstreamTimeouts, connection: UpstreamConnection): StandbyConnector {
  return new StandbyConnector(upstream, {
    connectMs: timeouts.connectMs,
    // Replaced before the upstream drops it (standby.ts).
    maxAgeMs: 4 * 60_000,
    warmForMs: connection.warmForMs ?? 60 * 60_000,
  });
}

/** The caller's connection closed, answered or not: what the log says of the exchange. */
function closed(exchange: Exchange): ForwardOutcome {
  const { res, controller, outcome } = exchange;
  if (res.writableFinished) return outcome;
  // The caller went away (Esc, Ctrl+C) before the answer was complete: stop the upstream so no more tokens are billed.
  if (controller && !controller.aborted) controller.abort(CALLER_GONE);
  outcome.failure ??= "caller_gone";
  if (!res.headersSent) outcome.status = CALLER_LEFT_STATUS;
  return outcome;
}

/** The undici handler that writes the upstream's answer to the caller as it comes, chunk by chunk. */
function answerWriter(exchange: Exchange, upstream: URL, timeouts: UpstreamTimeouts): Dispatcher.DispatchHandler {
  const { res, outcome } = exchange;
  return {
    onRequestStart(c) {
      exchange.controller = c;
      if (res.destroyed) c.abort(CALLER_GONE);
    },
    onResponseStart(c, statusCode, responseHeaders) {
      if (statusCode < 200) return;
      // Following a redirect could send the caller's key to another host.
      if (statusCode >= 300 && statusCode < 400) return c.abort(upstreamRedirect(upstream.host, statusCode));
      passResponseHead(exchange, statusCode, responseHeaders);
    },
    onResponseData(c, chunk) {
      outcome.bytes += chunk.length;
      if (!res.write(chunk)) {
        c.pause();
        res.once("drain", () => c.resume());
      }
    },
    onResponseEnd() {
      res.end();
    },
    onResponseError(_c, error) {
      if (error === CALLER_GONE || res.destroyed) {
        outcome.failure ??= "caller_gone";
        return;
      }
      const relayError = upstreamFailure(error, upstream, timeouts);
      outcome.failure = relayError.code;
      if (!(error instanceof RelayError)) outcome.detail = errorDetail(error);
      if (!res.headersSent) outcome.status = relayError.status;
      writeFailure(res, relayError, exchange.contentType);
    },
  };
}

/** Sends the upstream's status and headers on to the caller, noting what the log needs of them. */
function passResponseHead(exchange: Exchange, statusCode: number, headers: IncomingHttpHeaders): void {
  const { res, outcome } = exchange;
  const ct = headers["content-type"];
  exchange.contentType = Array.isArray(ct) ? ct[0] : ct;
  outcome.status = statusCode;
  outcome.firstByteMs = performance.now() - exchange.sentAt;
  const requestId = headers["x-request-id"];
  if (typeof requestId === "string" && requestId.length <= 100) outcome.requestId = requestId;
  res.writeHead(statusCode, callerResponseHeaders(headers));
  // A stream's caller learns the status at once, before the first token; any other answer's
  // headers leave with its first bytes, in one write instead of two. A stream's headers leave at
  // the end of this tick: with its first chunk if that came in the same read, else alone.
  if (exchange.contentType?.startsWith("text/event-stream")) {
    const socket = res.socket;
    if (socket && !socket.writableCorked) {
      socket.cork();
      process.nextTick(() => socket.uncork());
    }
    res.flushHeaders();
  }
}

/** A small GET answered whole, bounded by `timeoutMs` and {@link SMALL_ANSWER_LIMIT}. */
async function getWhole(
  pool: InstanceType<typeof Pool>,
  url: string,
  headers: Record<string, string | string[]>,
  timeoutMs: number,
): Promise<SmallAnswer> {
  const signal = AbortSignal.timeout(timeoutMs);
  // undici's request API is loaded on first use: only the merged model list of local servers needs it.
  const { request } = await import("undici");
  const answer = await request(url, { dispatcher: pool, method: "GET", headers, signal });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of answer.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > SMALL_ANSWER_LIMIT) throw new Error("answer too large");
    chunks.push(chunk);
  }
  return { status: answer.statusCode, headers: answer.headers, body: Buffer.concat(chunks) };
}
