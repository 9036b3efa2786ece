/** Which headers pass between caller and upstream: the message's own, never the hop's, the device token or cookies. */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";

/** Headers that describe one hop of a connection, never the message itself (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/** Headers the relay never passes on to the upstream, besides hop-by-hop ones. */
const NOT_FORWARDED = new Set([
  "host", // the upstream's own is set by the HTTP client
  "expect",
  "x-passerelle-token", // the relay's device token is for the relay alone
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "forwarded",
  "cookie",
]);

const NONE: ReadonlySet<string> = new Set();

/** Names listed in `Connection`; `keep-alive` alone (the usual value) names no header not already dropped. */
function namedByConnection(value: string | string[] | undefined): ReadonlySet<string> {
  if (!value || value === "keep-alive") return NONE;
  const list = Array.isArray(value) ? value.join(",") : value;
  return new Set(list.split(",").map((name) => name.trim().toLowerCase()));
}

/** The caller's headers as they go to the upstream: the message's own headers, unchanged. */
export function upstreamRequestHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const extra = namedByConnection(headers.connection);
  const out: Record<string, string | string[]> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || HOP_BY_HOP.has(name) || NOT_FORWARDED.has(name) || extra.has(name)) continue;
    out[name] = value;
  }
  return out;
}

/** The upstream's response headers as they go back to the caller. */
export function callerResponseHeaders(headers: Record<string, string | string[] | undefined>): OutgoingHttpHeaders {
  const extra = namedByConnection(headers.connection);
  const out: OutgoingHttpHeaders = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || HOP_BY_HOP.has(name) || extra.has(name) || name === "set-cookie") continue;
    out[name] = value;
  }
  return out;
}
