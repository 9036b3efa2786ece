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
 * Errors the relay makes itself. They travel to the caller in OpenAI's error shape, so every
 * OpenAI client (the `openai` SDK's error classes included) understands them.
 */
export class RelayError extends Error {
  readonly status: number;
  readonly code: RelayErrorCode;
  readonly type: string;
  /** Seconds a caller should wait before trying again, sent as `Retry-After`. */
  readonly retryAfter: number | undefined;

  constructor(
    status: number,
    code: RelayErrorCode,
    message: string,
    options: { type?: string; retryAfter?: number } = {},
  ) {
    super(message);
    this.name = "RelayError";
    this.status = status;
    this.code = code;
    this.type = options.type ?? (status >= 500 ? "relay_error" : "invalid_request_error");
    this.retryAfter = options.retryAfter;
  }

  /** The body OpenAI would send: `{ error: { message, type, param, code } }`. */
  toBody(): { error: { message: string; type: string; param: null; code: RelayErrorCode } } {
    return { error: { message: this.message, type: this.type, param: null, code: this.code } };
  }
}

/** Serialises an error body once, for writing straight to a socket. */
export function errorJson(error: RelayError): string {
  return JSON.stringify(error.toBody());
}
