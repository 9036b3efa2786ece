/**
 * Errors the relay makes itself. They travel to the caller in OpenAI's error shape, so every
 * OpenAI client (the `openai` SDK's error classes included) understands them.
 */
export class RelayError extends Error {
  readonly status: number;
  readonly code: string;
  readonly type: string;
  /** Seconds a caller should wait before trying again, sent as `Retry-After`. */
  readonly retryAfter: number | undefined;

  constructor(status: number, code: string, message: string, options: { type?: string; retryAfter?: number } = {}) {
    super(message);
    this.name = "RelayError";
    this.status = status;
    this.code = code;
    this.type = options.type ?? (status >= 500 ? "relay_error" : "invalid_request_error");
    this.retryAfter = options.retryAfter;
  }

  /** The body OpenAI would send: `{ error: { message, type, param, code } }`. */
  toBody(): { error: { message: string; type: string; param: null; code: string } } {
    return { error: { message: this.message, type: this.type, param: null, code: this.code } };
  }
}

/** Serialises an error body once, for writing straight to a socket. */
export function errorJson(error: RelayError): string {
  return JSON.stringify(error.toBody());
}
