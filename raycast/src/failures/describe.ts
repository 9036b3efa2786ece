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
import {
  AttachmentTooLargeError,
  AttachmentUnusableError,
  CertificateMismatchError,
  megabytes,
  NothingSelectedError,
  NothingToAttachError,
  NotPairedError,
  PairingCodeError,
  PairingRefusedError,
  RelayAddressError,
  RelayNotFoundError,
  RelayUnreachableError,
  RequestTooLargeError,
  ScreenRecordingDeniedError,
} from "./errors";
import { RELAY_FAILURES } from "./relay-wording";

export { RELAY_FAILURES } from "./relay-wording";

/**
 * Where a failure is fixed: the extension's preferences (key, model), pairing (Connect to Relay), or macOS's
 * Screen Recording settings.
 */
export type FailureFix = "preferences" | "connect-to-relay" | "screen-recording";

/** What to tell a person about a failure, and what they can do about it. */
export interface FailureDescription {
  title: string;
  message: string;
  /** The action that fixes it, when there is one. */
  fix?: FailureFix;
  /** Technical text for "Copy Error", with anything looking like a key masked. */
  detail: string;
}

/** True when the person cancelled (Esc, closed the view): nothing to report. */
export function isCancellation(error: unknown): boolean {
  if (error instanceof APIUserAbortError) return true;
  return error instanceof Error && error.name === "AbortError";
}

/** Masks OpenAI keys (and the partial keys OpenAI echoes in its 401 message). */
export function redactSecrets(text: string): string {
  return text.replace(/\bsk-[A-Za-z0-9_*-]{2,}/g, "sk-…");
}

const CONNECTION_ADVICE: Record<string, { title: string; message: string }> = {
  ECONNREFUSED: {
    title: "Relay not running",
    message: "The PC answers but nothing listens on that port. Start the relay on the PC, and check the port.",
  },
  ECONNRESET: {
    title: "Relay closed the connection",
    message: "The relay may have restarted: try again. If it keeps happening, pair again with Connect to Relay.",
  },
  EHOSTUNREACH: {
    title: "PC not reachable",
    message: "Are the Mac and the PC on the same Wi-Fi? Is the PC awake, and does its firewall allow the relay?",
  },
  ENETUNREACH: {
    title: "No network",
    message: "The Mac has no route to the PC. Check the Mac's Wi-Fi.",
  },
  ETIMEDOUT: {
    title: "PC not answering",
    message: "Are the Mac and the PC on the same Wi-Fi? Is the relay started, and does the PC's firewall allow it?",
  },
  ENOTFOUND: {
    title: "Relay name not found",
    message:
      "The Mac cannot find that name on the network. Run Connect to Relay and type the PC's IP address instead (the relay prints it).",
  },
  EPROTO: {
    title: "Secure connection failed",
    message: "Something at this address does not speak the relay's TLS. Pair again with Connect to Relay.",
  },
};
CONNECTION_ADVICE.UND_ERR_CONNECT_TIMEOUT = CONNECTION_ADVICE.ETIMEDOUT;
CONNECTION_ADVICE.EAI_AGAIN = CONNECTION_ADVICE.ENOTFOUND;
CONNECTION_ADVICE.UND_ERR_SOCKET = CONNECTION_ADVICE.ECONNRESET;

// Every way Node's TLS can refuse a certificate (its X509 verify codes), and the pin's own error: each of them is
// a certificate refusal, never "cannot reach", and never a reason to look the relay up elsewhere.
const CERTIFICATE_CODES = new Set<string>([
  "PASSERELLE_PIN_MISMATCH",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_DECRYPT_CERT_SIGNATURE",
  "UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY",
  "CERT_SIGNATURE_FAILURE",
  "CERT_NOT_YET_VALID",
  "CERT_HAS_EXPIRED",
  "ERROR_IN_CERT_NOT_BEFORE_FIELD",
  "ERROR_IN_CERT_NOT_AFTER_FIELD",
  "CERT_CHAIN_TOO_LONG",
  "CERT_REVOKED",
  "INVALID_CA",
  "PATH_LENGTH_EXCEEDED",
  "INVALID_PURPOSE",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "HOSTNAME_MISMATCH",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/** True for a code that means the relay's certificate was refused (the list above, or one like them). */
function isCertificateCode(code: string): boolean {
  return CERTIFICATE_CODES.has(code) || /CERT|_SIGNATURE|ISSUER|_CRL/.test(code);
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

const NOT_PAIRED = {
  title: "This Mac is not paired with a relay yet",
  message: "Run Connect to Relay in Raycast, and on the PC press p in the relay's window or run `npx passerelle pair`.",
  fix: "connect-to-relay" as const,
};

const CERTIFICATE_REFUSED = {
  title: "Relay certificate does not match",
  message:
    "The relay showed a certificate this Mac did not pair with, so nothing was sent. If you reinstalled the relay, pair again with Connect to Relay; otherwise another machine may be answering.",
  fix: "connect-to-relay" as const,
};

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
    typeof code === "string" &&
    (code in CONNECTION_ADVICE || isCertificateCode(code) || isTlsProtocolCode(code))
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

function retryAfter(error: APIError | PairingRefusedError): string {
  const seconds =
    error instanceof PairingRefusedError ? Number(error.retryAfter) : Number(error.headers?.get?.("retry-after"));
  return Number.isFinite(seconds) && seconds > 0 ? ` Try again in ${Math.ceil(seconds)} s.` : "";
}

/** The relay's own failure, worded; undefined when `code` is not one of the relay's. */
function relayFailure(code: string | null | undefined, error: APIError | PairingRefusedError) {
  const wording = code ? RELAY_FAILURES[code] : undefined;
  if (!wording) return undefined;
  const wait = code === "too_many_failures" || code === "relay_busy" ? retryAfter(error) : "";
  return { ...wording, message: wording.message + wait };
}

/** Files refused on the Mac, and the screen that could not be captured: nothing was sent. */
function describeAttachment(error: unknown): Omit<FailureDescription, "detail"> | undefined {
  if (error instanceof AttachmentTooLargeError) {
    return {
      title: `${error.fileName} is too large`,
      message: `It is ${megabytes(error.bytes)}; Passerelle sends files of up to ${megabytes(error.limit)}. Nothing was sent: choose a smaller file.`,
    };
  }
  if (error instanceof RequestTooLargeError) {
    return {
      title: "Too large for the relay",
      message: `With ${error.fileNames.join(", ")} the request is ${megabytes(error.bytes)}; the relay accepts ${megabytes(error.limit)} (its --max-body). Nothing was sent: attach fewer files, or raise --max-body on the relay.`,
    };
  }
  if (error instanceof AttachmentUnusableError) {
    const titles = {
      folder: "Folders cannot be attached",
      missing: "File no longer available",
      unsupported: "File not supported",
    };
    const advice = {
      folder: "Select the files inside it instead.",
      missing: "It was moved or deleted since it was chosen.",
      unsupported: "Attach images (PNG, JPEG, WebP, GIF, HEIC), PDFs, or text and code files.",
    };
    return { title: titles[error.reason], message: `${error.message} ${advice[error.reason]}` };
  }
  if (error instanceof NothingToAttachError) {
    const how =
      error.where === "clipboard" ? "Copy an image or a file first." : "Bring Finder to the front with files selected.";
    return { title: "Nothing to attach", message: `${error.message} ${how}` };
  }
  if (error instanceof NothingSelectedError) {
    return {
      title: "Nothing to ask about",
      message: `${error.message} Select files in Finder, or copy an image or a file, then run Ask About Selection.`,
    };
  }
  if (error instanceof ScreenRecordingDeniedError) {
    return {
      title: "Raycast may not record the screen",
      message:
        "Allow Raycast in System Settings → Privacy & Security → Screen & System Audio Recording, then run Ask About Screen again.",
      fix: "screen-recording",
    };
  }
  return undefined;
}

function describe(error: unknown, context: { model?: string; address?: string }): Omit<FailureDescription, "detail"> {
  const model = context.model ? `"${context.model}"` : "This model";
  const attachment = describeAttachment(error);
  if (attachment) return attachment;
  if (error instanceof NotPairedError) return NOT_PAIRED;
  if (error instanceof PairingCodeError) return { title: "Not a pairing code", message: error.message };
  if (error instanceof CertificateMismatchError) return { title: "Not the relay of this code", message: error.message };
  if (error instanceof RelayNotFoundError) return { title: "Relay not found", message: error.message };
  if (error instanceof PairingRefusedError) {
    return relayFailure(error.code, error) ?? { title: "Pairing refused", message: redactSecrets(error.message) };
  }
  if (error instanceof RelayAddressError) {
    return { title: "Relay address not usable", message: error.message, fix: "connect-to-relay" };
  }
  if (error instanceof RelayUnreachableError) {
    const known = causeCodes(error)
      .map((code) => CONNECTION_ADVICE[code])
      .find(Boolean);
    return {
      title: `${known?.title ?? "Cannot reach the relay"} (${error.address})`,
      message:
        "It was not found on this network either. Are the Mac and the PC on the same Wi-Fi? Is the relay started on the PC? Does the PC's firewall allow it (on the PC: `npx passerelle setup`)? If the PC's address changed and this network hides the relay, run Connect to Relay.",
      fix: "connect-to-relay",
    };
  }
  if (isStreamCut(error)) {
    const where = context.address ? ` (${context.address})` : "";
    return {
      title: `Relay stopped mid-answer${where}`,
      message:
        "The connection to the relay closed before the answer was complete: the relay was stopped, or the PC slept or left the Wi-Fi. What arrived is kept; Regenerate to ask again.",
    };
  }
  if (error instanceof APIConnectionTimeoutError) {
    return {
      title: "Relay took too long",
      message: "No answer in time. Check that the relay runs on the PC and that both machines share the Wi-Fi.",
    };
  }
  if (isConnectionFailure(error)) {
    const codes = causeCodes(error);
    if (codes.some(isCertificateCode)) return CERTIFICATE_REFUSED;
    const known =
      codes.map((code) => CONNECTION_ADVICE[code]).find(Boolean) ??
      (codes.some(isTlsProtocolCode) ? CONNECTION_ADVICE.EPROTO : undefined);
    const where = context.address ? ` (${context.address})` : "";
    if (known) return { title: known.title + where, message: known.message };
    return {
      title: `Cannot reach the relay${where}`,
      message: "Are the Mac and the PC on the same Wi-Fi? Is the relay started? Does the PC's firewall allow it?",
    };
  }
  if (error instanceof APIError) {
    // The relay's own code first: its 401 (device token) is not OpenAI's 401 (key), its 5xx not OpenAI's.
    const relay = relayFailure(error.code, error);
    if (relay) return relay;
    if (error instanceof AuthenticationError) {
      return {
        title: "API key refused by OpenAI",
        message: "Check the OpenAI API key in the extension's preferences.",
        fix: "preferences",
      };
    }
    if (error instanceof NotFoundError) {
      if (error.code === "model_not_found" || /model/i.test(error.message)) {
        return {
          title: "Model unknown",
          message: `${model} does not exist or your key cannot use it. Choose another model.`,
          fix: "preferences",
        };
      }
      return {
        title: "Not a relay at this address",
        message: "Something answered, but not the relay. Pair again with Connect to Relay.",
        fix: "connect-to-relay",
      };
    }
    if (error instanceof RateLimitError) {
      if (error.code === "insufficient_quota") {
        return {
          title: "OpenAI quota exceeded",
          message: "Your OpenAI account has no credit left. Add credit in OpenAI's billing settings, then try again.",
        };
      }
      return {
        title: "Too many requests",
        message: `OpenAI limits how fast your key can ask.${retryAfter(error) || " Wait a moment and try again."}`,
      };
    }
    if (error instanceof PermissionDeniedError) {
      return {
        title: "OpenAI refused the request",
        message: `${redactSecrets(error.message)} Check that your key's project may use ${model}.`,
        fix: "preferences",
      };
    }
    if (error instanceof BadRequestError) {
      if (error.code === "context_length_exceeded") {
        return {
          title: "Text too long for the model",
          message: `${model} cannot read that much text at once. Shorten it or choose a model with a larger context.`,
        };
      }
      return { title: "OpenAI refused the request", message: redactSecrets(error.message) };
    }
    if (error instanceof InternalServerError) {
      return {
        title: "OpenAI had a problem",
        message: "The service failed on its side. Try again in a moment.",
      };
    }
    return { title: "Request failed", message: redactSecrets(error.message) };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { title: "Something went wrong", message: redactSecrets(message) };
}

/** Turns any failure into words for a person, with what to do next. The one place errors are explained. */
export function describeFailure(
  error: unknown,
  context: { model?: string; address?: string } = {},
): FailureDescription {
  const described = describe(error, context);
  const parts = [error instanceof Error ? `${error.name}: ${error.message}` : String(error)];
  const codes = causeCodes(error);
  if (codes.length) parts.push(`codes: ${codes.join(", ")}`);
  if (error instanceof APIError && error.requestID) parts.push(`request id: ${error.requestID}`);
  return { ...described, detail: redactSecrets(parts.join("\n")) };
}
