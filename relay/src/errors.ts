/** Every error the relay makes itself: its codes, its one class, a factory for each, and what of an error may be logged. */

/**
 * Every `code` the relay itself sends in an error body: the one list both halves share. The extension
 * words each of them (raycast/src/failures/relay-wording.ts), and a test fails when one has no wording. To add a
 * failure, add its code here first; `RelayError` accepts no other.
 */
export const RELAY_ERROR_CODES = [
  // Before forwarding: the request itself
  "invalid_path",
  "unknown_path",
  "invalid_authorization_header",
  "request_too_large",
  "request_body_incomplete",
  // The device token and its lockout
  "device_token_invalid",
  "too_many_failures",
  "device_registry_damaged",
  // Pairing
  "pairing_code_wrong",
  "control_refused",
  "body_too_large",
  "invalid_json",
  // The relay itself
  "relay_busy",
  "relay_internal_error",
  // The PC's request to OpenAI
  "upstream_unreachable",
  "upstream_connect_timeout",
  "upstream_first_byte_timeout",
  "upstream_idle_timeout",
  "upstream_closed",
  "upstream_redirect",
  "upstream_error",
] as const;

/** A code the relay sends in `{ error: { code } }`. */
export type RelayErrorCode = (typeof RELAY_ERROR_CODES)[number];

/**
 * The `type` of every error body the relay makes itself. An error body without it came from the upstream
 * (OpenAI, a local server) and passed through unchanged, even when its `code` looks like one of the relay's.
 */
export const RELAY_ERROR_TYPE = "passerelle_error";

/** A relay error on the wire, in OpenAI's error shape. */
export interface RelayErrorBody {
  error: { message: string; type: typeof RELAY_ERROR_TYPE; param: null; code: RelayErrorCode };
}

/**
 * Errors the relay makes itself. They travel to the caller in OpenAI's error shape, so every OpenAI client
 * (the `openai` SDK's error classes, chosen by status, included) understands them. Built by the factories
 * below only: a lint rule refuses `new RelayError` anywhere else.
 */
export class RelayError extends Error {
  readonly status: number;
  readonly code: RelayErrorCode;
  /** Seconds a caller should wait before trying again, sent as `Retry-After`. */
  readonly retryAfter: number | undefined;

  constructor(status: number, code: RelayErrorCode, message: string, retryAfter?: number) {
    super(message);
    this.name = "RelayError";
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }

  /** The body OpenAI would send, marked as the relay's own. */
  toBody(): RelayErrorBody {
    return { error: { message: this.message, type: RELAY_ERROR_TYPE, param: null, code: this.code } };
  }
}

/** Serialises an error body once, for writing straight to a socket. */
export function errorJson(error: RelayError): string {
  return JSON.stringify(error.toBody());
}

/**
 * The name and code of an error (`TypeError`, `Error ECONNRESET`) for a log or a crash line; never its message,
 * which could quote a request. A name or code of another shape than a class name or a constant is left out,
 * so no key- or token-shaped text (`sk-…`, `psr_…`) can come through.
 */
export function errorDetail(error: unknown): string {
  const name = error instanceof Error ? error.name : typeof error;
  const code = (error as { code?: unknown } | null)?.code;
  const shownName = /^[A-Za-z][A-Za-z0-9]{0,59}$/.test(name) ? name : "Error";
  const shownCode = typeof code === "string" && /^[A-Z][A-Z0-9_]{0,39}$/.test(code) ? ` ${code}` : "";
  return shownName + shownCode;
}

// The request itself

export const invalidPath = () =>
  new RelayError(
    400,
    "invalid_path",
    "The request path contains '.' or '..' segments, which the relay does not forward.",
  );

/** A path no route takes, any method. */
export const unknownPath = (method: string, path: string) =>
  new RelayError(
    404,
    "unknown_path",
    `Passerelle serves the OpenAI API under /v1 (for example POST /v1/chat/completions) and GET /health; ${method} ${path} is neither.`,
  );

/** An `Upgrade` request that is not a WebSocket's: its connection is no ordinary request any more. */
export const notAWebSocket = () =>
  new RelayError(
    400,
    "unknown_path",
    "The relay passes WebSocket upgrades only (GET with Upgrade: websocket); send this request without an Upgrade header.",
  );

export const invalidAuthorizationHeader = () =>
  new RelayError(
    401,
    "invalid_authorization_header",
    "The Authorization header must be 'Bearer ' followed by your OpenAI API key, with no spaces or line breaks in the key.",
  );

/** The 413 every over-long body gets, whether announced by Content-Length or found while streaming. */
export const requestTooLarge = (maxBytes: number) =>
  new RelayError(
    413,
    "request_too_large",
    `The request body is larger than the relay accepts (${Math.round(maxBytes / 1_000_000)} MB). Send a smaller file, or raise --max-body on the relay.`,
  );

/** The caller's body ended (or stopped coming) before it was whole. */
export const requestBodyIncomplete = () =>
  new RelayError(400, "request_body_incomplete", "The request body ended before it was complete; send it again.");

// The device token and its lockout

export const deviceTokenInvalid = () =>
  new RelayError(
    401,
    "device_token_invalid",
    "This relay answers paired devices only. On a Mac, pair with the Connect to Relay command in Raycast; for a script, run the relay's pair --cli NAME command on its PC (`.\\passerelle.exe pair --cli NAME` in passerelle.exe's folder, `npx.cmd passerelle pair --cli NAME` from the source) and send the token it prints in the X-Passerelle-Token header.",
  );

/** Wrong device tokens or pairing codes, from this address or from everyone: wait `seconds`. */
export const tooManyFailures = (seconds: number) =>
  new RelayError(
    429,
    "too_many_failures",
    `Too many failed attempts (wrong device tokens or pairing codes); try again in ${seconds} s.`,
    seconds,
  );

/** The relay's list of paired devices is damaged: the person at the PC must choose what to do. */
export const registryDamaged = () =>
  new RelayError(
    503,
    "device_registry_damaged",
    "The relay's list of paired devices is damaged, so it cannot check or pair this device. On the relay's PC, its window says what happened and how to restore the list or start afresh (so does its devices command).",
  );

// Pairing and the owner's control requests

export const pairingCodeWrong = () =>
  new RelayError(
    401,
    "pairing_code_wrong",
    "The relay is not showing this pairing code: it may be mistyped, used already, or expired. Check it, or show a new one: press p in the relay's window on the PC.",
  );

export const controlRefused = () =>
  new RelayError(403, "control_refused", "Only the relay's owner, on the relay's PC, may do this.");

export const pairingBodyTooLarge = () => new RelayError(413, "body_too_large", "The pairing request is too large.");

export const pairingRequestNotJson = () =>
  new RelayError(400, "invalid_json", "The pairing request must be a JSON object.");

export const deviceNameMissing = () => new RelayError(400, "invalid_json", "A device needs a name.");

// The relay itself

/** Why the relay asks a caller to come back in a moment. */
export type BusyReason = { requests: number } | "memory" | "registry";

const BUSY: Record<Exclude<BusyReason, object>, string> = {
  memory: "is holding too many large requests in memory right now",
  registry: "is saving its list of paired devices",
};

export const relayBusy = (reason: BusyReason) =>
  new RelayError(
    503,
    "relay_busy",
    typeof reason === "object"
      ? `The relay is already handling ${reason.requests} requests; try again in a moment (or raise --max-concurrent).`
      : `The relay ${BUSY[reason]}; try again in a moment.`,
    1,
  );

export const relayInternalError = () =>
  new RelayError(
    500,
    "relay_internal_error",
    "The relay met an unexpected error. Try again; if it persists, restart the relay.",
  );

// The PC's request to the upstream (`host` is the upstream's, e.g. api.openai.com)

export const upstreamConnectTimeout = (host: string, seconds: number) =>
  new RelayError(
    504,
    "upstream_connect_timeout",
    `The relay could not connect to ${host} within ${seconds} s (connect timeout). Check the PC's internet connection.`,
  );

export const upstreamFirstByteTimeout = (host: string, seconds: number) =>
  new RelayError(
    504,
    "upstream_first_byte_timeout",
    `${host} did not start answering within ${seconds} s (first-byte timeout). Try again, or raise --first-byte-timeout on the relay.`,
  );

export const upstreamIdleTimeout = (host: string, seconds: number) =>
  new RelayError(
    504,
    "upstream_idle_timeout",
    `${host} stopped sending for ${seconds} s in the middle of its answer (idle timeout). The answer is incomplete; try again.`,
  );

/** `code` is the system's (ECONNREFUSED, ENOTFOUND…). */
export const upstreamUnreachable = (host: string, code: string) =>
  new RelayError(
    502,
    "upstream_unreachable",
    `The relay could not reach ${host} (${code}). Check the PC's internet connection, or the --upstream setting.`,
  );

export const upstreamClosed = (host: string) =>
  new RelayError(502, "upstream_closed", `${host} closed the connection before its answer was complete. Try again.`);

/** Following a redirect could send the caller's key to another host: none is followed, nor passed on. */
export const upstreamRedirect = (host: string, status: number) =>
  new RelayError(
    502,
    "upstream_redirect",
    `${host} answered with a redirect (${status}), which the relay does not follow. Check the --upstream setting.`,
  );

export const upstreamError = (host: string) =>
  new RelayError(502, "upstream_error", `The relay could not complete the request to ${host}. Try again.`);
