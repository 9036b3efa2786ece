import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
} from "openai";
import { PasserelleError, RelayUnreachableError, type OwnFailure, type OwnFailureCode } from "./errors";

/** Which failure an error is, apart from how it is put into words (failures/wording.ts). */
export type FailureKind =
  | "relay"
  | "connection"
  | "certificate_refused"
  | "client_timeout"
  | "stream_cut"
  | "openai_key_refused"
  | "openai_model_unknown"
  | "not_a_relay"
  | "openai_quota"
  | "openai_rate_limited"
  | "openai_permission"
  | "openai_context_too_long"
  | "openai_refused"
  | "openai_failed"
  | "request_failed"
  | "unknown";

/** A failure, classified, with the facts its words need. */
export interface Failure {
  /** An extension's own failure is its code; then the relay's (marked), the network's and OpenAI's. */
  kind: FailureKind | OwnFailureCode;
  /** The relay's code (kind `relay`) or the network's (kind `connection`, a relay not found again). */
  code?: string;
  /** Where the relay was asked. */
  address?: string;
  /** Seconds to wait, when the answer said (`Retry-After`). */
  retryAfter?: number;
  /** The failure's own words, for the kinds that pass them on (masked before they are shown). */
  message?: string;
  /** What an extension's own failure carries (see `FactsOf`). */
  facts?: object;
}

/**
 * The `type` of every error body the relay makes itself (`RELAY_ERROR_TYPE` in relay/src/errors.ts). Any other
 * error body is the upstream's, passed through unchanged, even when its `code` looks like one of the relay's.
 */
export const RELAY_ERROR_TYPE = "passerelle_error";

/** True when the person cancelled (Esc, closed the view): nothing to report. */
export function isCancellation(error: unknown): boolean {
  if (error instanceof APIUserAbortError) return true;
  return error instanceof Error && error.name === "AbortError";
}

// The network failures the extension words, each under the code whose words it shares.
const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: "ECONNREFUSED",
  ECONNRESET: "ECONNRESET",
  UND_ERR_SOCKET: "ECONNRESET",
  EHOSTUNREACH: "EHOSTUNREACH",
  ENETUNREACH: "ENETUNREACH",
  ETIMEDOUT: "ETIMEDOUT",
  UND_ERR_CONNECT_TIMEOUT: "ETIMEDOUT",
  ENOTFOUND: "ENOTFOUND",
  EAI_AGAIN: "ENOTFOUND",
  EPROTO: "EPROTO",
};

// Every way Node's TLS can refuse a certificate is a certificate refusal, never "cannot reach", and never a reason
// to look the relay up elsewhere: the pattern takes Node's X509 verify codes; the set, those it cannot tell.
const CERTIFICATE_CODE = /CERT|_SIGNATURE|ISSUER|_CRL/;
const OTHER_CERTIFICATE_CODES = new Set([
  "PASSERELLE_PIN_MISMATCH",
  "INVALID_CA",
  "PATH_LENGTH_EXCEEDED",
  "INVALID_PURPOSE",
  "HOSTNAME_MISMATCH",
]);

/** True for a code that means the relay's certificate was refused. */
function isCertificateCode(code: string): boolean {
  return OTHER_CERTIFICATE_CODES.has(code) || CERTIFICATE_CODE.test(code);
}

/** A TLS failure that is not about the certificate: something at the address does not speak the relay's TLS. */
function isTlsProtocolCode(code: string): boolean {
  return code === "EPROTO" || code.startsWith("ERR_SSL_") || code.startsWith("ERR_TLS_");
}

// The relay is not (or no longer) at that address: worth looking it up again by id. Never a certificate error.
const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "ENETUNREACH",
  "ETIMEDOUT",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/** The `code` of each error in a `cause` chain, outermost first. */
export function causeCodes(error: unknown): string[] {
  const codes: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === "object" && !seen.has(current)) {
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") codes.push(code);
    const errors = (current as { errors?: unknown }).errors; // AggregateError from happy-eyeballs connects
    if (Array.isArray(errors)) codes.push(...errors.flatMap((inner) => causeCodes(inner)));
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

/** The network code whose words fit a failure's cause chain, if any. */
function networkCode(codes: string[]): string | undefined {
  const known = codes.map((code) => NETWORK_CODES[code]).find(Boolean);
  return known ?? (codes.some(isTlsProtocolCode) ? "EPROTO" : undefined);
}

/**
 * True when the request never got an answer: the client's connection error, `fetch failed`, or a socket error
 * (pairing's own TLS probe) whose code names a network or TLS failure.
 */
function isConnectionFailure(error: unknown): boolean {
  if (error instanceof APIConnectionError || (error instanceof TypeError && error.message === "fetch failed")) {
    return true;
  }
  const code = (error as { code?: unknown } | null)?.code;
  return (
    error instanceof Error &&
    !(error instanceof PasserelleError) &&
    typeof code === "string" &&
    (code in NETWORK_CODES || isCertificateCode(code) || isTlsProtocolCode(code))
  );
}

/**
 * True when an answer that had begun was cut because the connection itself closed (undici's `terminated`, from a
 * socket the other side closed): the relay's process went away. A cut the relay saw coming arrives as its own code.
 */
function isStreamCut(error: unknown): boolean {
  return error instanceof TypeError && error.message === "terminated";
}

/**
 * True when a request failed because nothing answered at the relay's address (refused, unreachable, timed out
 * while connecting): the relay may have moved. False for a certificate or pin error, which must stay a refusal.
 */
export function isRelayUnreachable(error: unknown): boolean {
  // The health check's own timeout (AbortSignal.timeout): nothing answered in time.
  if (error instanceof Error && error.name === "TimeoutError") return true;
  if (!isConnectionFailure(error) || error instanceof APIConnectionTimeoutError) return false;
  const codes = causeCodes(error);
  if (codes.some((code) => isCertificateCode(code) || isTlsProtocolCode(code))) return false;
  return codes.some((code) => UNREACHABLE_CODES.has(code));
}

/** Seconds from an answer's `Retry-After`, when it has a usable one. */
function retryAfter(error: APIError): number | undefined {
  const seconds = Number(error.headers?.get?.("retry-after"));
  return Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
}

/** The relay's own failure: only a body that carries the relay's marker is one. */
function isRelayError(error: APIError): boolean {
  return error.type === RELAY_ERROR_TYPE && typeof error.code === "string";
}

/** Which failure an answer with an error status is: the relay's own (marked), else OpenAI's (or the upstream's). */
function answerKind(error: APIError): FailureKind {
  if (isRelayError(error)) return "relay";
  if (error instanceof AuthenticationError) return "openai_key_refused";
  if (error instanceof NotFoundError) {
    const aboutModel = error.code === "model_not_found" || /model/i.test(error.message);
    return aboutModel ? "openai_model_unknown" : "not_a_relay";
  }
  if (error instanceof RateLimitError) {
    return error.code === "insufficient_quota" ? "openai_quota" : "openai_rate_limited";
  }
  if (error instanceof PermissionDeniedError) return "openai_permission";
  if (error instanceof BadRequestError) {
    return error.code === "context_length_exceeded" ? "openai_context_too_long" : "openai_refused";
  }
  if (error instanceof InternalServerError) return "openai_failed";
  return "request_failed";
}

/** Which failure `error` is, with the facts its words need; `address` is where the relay was asked. */
export function classifyFailure(error: unknown, address?: string): Failure {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof PasserelleError) {
    const own = error as OwnFailure;
    if (own instanceof RelayUnreachableError) {
      return { kind: own.code, code: networkCode(causeCodes(own.cause)), address: own.facts.address };
    }
    return { kind: own.code, facts: own.facts, address, message };
  }
  if (isStreamCut(error)) return { kind: "stream_cut", address };
  if (error instanceof APIConnectionTimeoutError) return { kind: "client_timeout", address };
  if (isConnectionFailure(error)) {
    const codes = causeCodes(error);
    if (codes.some(isCertificateCode)) return { kind: "certificate_refused", address };
    return { kind: "connection", code: networkCode(codes), address };
  }
  if (error instanceof APIError) {
    const kind = answerKind(error);
    return { kind, code: kind === "relay" ? String(error.code) : undefined, retryAfter: retryAfter(error), message };
  }
  return { kind: "unknown", message };
}
