/** What the caller is told when a request fails: the HTTP client's errors in words, and a failure written on the answer. */
import type { ServerResponse } from "node:http";
import {
  RelayError,
  errorJson,
  requestBodyIncomplete,
  upstreamClosed,
  upstreamConnectTimeout,
  upstreamError,
  upstreamFirstByteTimeout,
  upstreamIdleTimeout,
  upstreamUnreachable,
} from "../errors.js";
import { errors } from "./pool.js";

/** How long the relay waits on the upstream at each step, in milliseconds. */
export interface UpstreamTimeouts {
  connectMs: number;
  firstByteMs: number;
  idleMs: number;
}

const UNREACHABLE = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH"]);

/**
 * Turns an error from the HTTP client into words for the caller, without any secret in them; a relay error
 * (a redirect refused, a body too large) is already in words.
 */
export function upstreamFailure(error: unknown, upstream: URL, timeouts: UpstreamTimeouts): RelayError {
  if (error instanceof RelayError) return error;
  const host = upstream.host;
  if (error instanceof errors.ConnectTimeoutError) return upstreamConnectTimeout(host, timeouts.connectMs / 1000);
  if (error instanceof errors.HeadersTimeoutError) return upstreamFirstByteTimeout(host, timeouts.firstByteMs / 1000);
  if (error instanceof errors.BodyTimeoutError) return upstreamIdleTimeout(host, timeouts.idleMs / 1000);
  const code = (error as { code?: string }).code;
  if (code && UNREACHABLE.has(code)) return upstreamUnreachable(host, code);
  if (error instanceof errors.SocketError || code === "ECONNRESET" || code === "UND_ERR_SOCKET") {
    return upstreamClosed(host);
  }
  if (error instanceof errors.RequestContentLengthMismatchError || error instanceof errors.RequestAbortedError) {
    return requestBodyIncomplete();
  }
  return upstreamError(host);
}

/** Writes a relay error as the whole answer, or, once an answer has begun, ends it in a way the caller notices. */
export function writeFailure(res: ServerResponse, error: RelayError, contentType: string | undefined): void {
  if (!res.headersSent) {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (error.retryAfter !== undefined) headers["retry-after"] = String(error.retryAfter);
    res.writeHead(error.status, headers).end(errorJson(error));
  } else if (contentType?.startsWith("text/event-stream") && !res.writableEnded) {
    // An SSE error event makes OpenAI clients raise an error rather than stop silently on a truncated answer.
    res.end(`event: error\ndata: ${errorJson(error)}\n\n`);
  } else {
    // Cutting the connection is the only way to tell the caller a plain body is incomplete.
    res.destroy();
  }
}
