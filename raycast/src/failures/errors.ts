/**
 * The extension's own errors, all in one module (as openai-node keeps its `APIError` family in one place).
 * Errors from the relay and from OpenAI arrive as the `openai` client's `APIError`s with the relay's `code`;
 * these are the failures the extension finds itself. `describeFailure` (failures/describe.ts) puts every one
 * of them into words, once.
 */

/** Nothing is paired: no relay to talk to until Connect to Relay has run. */
export class NotPairedError extends Error {
  readonly code = "PASSERELLE_NOT_PAIRED";
  constructor() {
    super("This Mac is not paired with a relay yet.");
    this.name = "NotPairedError";
  }
}

/** Raised inside the TLS handshake when the relay shows another certificate than the paired one. */
export class PinMismatchError extends Error {
  readonly code = "PASSERELLE_PIN_MISMATCH";
  constructor() {
    super("The relay's certificate is not the one this Mac paired with.");
    this.name = "PinMismatchError";
  }
}

/** The paired relay did not answer at its address, and was not found again on this network. `cause` says why. */
export class RelayUnreachableError extends Error {
  readonly code = "PASSERELLE_RELAY_UNREACHABLE";
  constructor(
    readonly address: string,
    options: { cause: unknown },
  ) {
    super(`The relay does not answer at ${address} and was not found again on this network.`, options);
    this.name = "RelayUnreachableError";
  }
}

/** A relay address a person typed that cannot be turned into a URL. */
export class RelayAddressError extends Error {
  readonly code = "PASSERELLE_BAD_ADDRESS";
  constructor(message: string) {
    super(message);
    this.name = "RelayAddressError";
  }
}

/** The typed code is not a pairing code (wrong length or characters). */
export class PairingCodeError extends Error {
  readonly code = "PASSERELLE_NOT_A_CODE";
  constructor() {
    super("That is not a pairing code: it has 28 letters and digits, like 4G8Z-K2PA-0WQM-7TXB-H3CN-9RD5-XM2Q.");
    this.name = "PairingCodeError";
  }
}

/** No relay with the typed code announced itself on this network in time. */
export class RelayNotFoundError extends Error {
  readonly code = "PASSERELLE_RELAY_NOT_FOUND";
  constructor() {
    super("No relay with this code answers on this network. Check that the relay runs, or type the address it prints.");
    this.name = "RelayNotFoundError";
  }
}

/** The relay at that address shows another certificate than the code names: nothing was sent to it. */
export class CertificateMismatchError extends Error {
  readonly code = "PASSERELLE_CODE_MISMATCH";
  constructor() {
    super(
      "The relay at this address is not the one whose code you typed. Check the code; if it is right, another machine may be answering at this address.",
    );
    this.name = "CertificateMismatchError";
  }
}

/** The relay refused pairing. `code` is the relay's error code (`pairing_code_wrong`, `too_many_failures`…). */
export class PairingRefusedError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** `Retry-After`, in seconds, when the relay sent one. */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = "PairingRefusedError";
  }
}

/** A file larger than Passerelle sends, refused before anything left the Mac. */
export class AttachmentTooLargeError extends Error {
  readonly code = "PASSERELLE_ATTACHMENT_TOO_LARGE";
  constructor(
    readonly fileName: string,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`${fileName} is ${megabytes(bytes)}; files of up to ${megabytes(limit)} can be sent.`);
    this.name = "AttachmentTooLargeError";
  }
}

/** The question and its files together exceed what the relay accepts (its `--max-body`): nothing was sent. */
export class RequestTooLargeError extends Error {
  readonly code = "PASSERELLE_REQUEST_TOO_LARGE";
  constructor(
    readonly bytes: number,
    readonly limit: number,
    readonly fileNames: string[],
  ) {
    super(`The request with ${fileNames.join(", ")} is ${megabytes(bytes)}; the relay accepts ${megabytes(limit)}.`);
    this.name = "RequestTooLargeError";
  }
}

/** A file that cannot be attached: a folder, a kind the model cannot read, or a file gone since it was chosen. */
export class AttachmentUnusableError extends Error {
  readonly code = "PASSERELLE_ATTACHMENT_UNUSABLE";
  constructor(
    readonly fileName: string,
    readonly reason: "folder" | "unsupported" | "missing",
  ) {
    super(
      reason === "folder"
        ? `${fileName} is a folder.`
        : reason === "missing"
          ? `${fileName} is no longer available.`
          : `${fileName} is neither an image, a PDF nor a text file.`,
    );
    this.name = "AttachmentUnusableError";
  }
}

/** `screencapture` was refused: Raycast lacks the Screen Recording permission. */
export class ScreenRecordingDeniedError extends Error {
  readonly code = "PASSERELLE_SCREEN_RECORDING_DENIED";
  constructor(options?: { cause: unknown }) {
    super("Raycast is not allowed to record the screen.", options);
    this.name = "ScreenRecordingDeniedError";
  }
}

/** `12.4 MB` (decimal megabytes, as the relay's `--max-body` counts them). */
export function megabytes(bytes: number): string {
  const value = bytes / 1_000_000;
  return `${value < 10 ? value.toFixed(1).replace(/\.0$/, "") : Math.round(value)} MB`;
}

/** Ask About Selection found no file selected in Finder and nothing on the clipboard. */
export class NothingSelectedError extends Error {
  readonly code = "PASSERELLE_NOTHING_SELECTED";
  constructor() {
    super("No file is selected in Finder, and the clipboard holds no image or file.");
    this.name = "NothingSelectedError";
  }
}

/** An Attach action found nothing where it looked (the clipboard, Finder's selection). */
export class NothingToAttachError extends Error {
  readonly code = "PASSERELLE_NOTHING_TO_ATTACH";
  constructor(readonly where: "clipboard" | "finder") {
    super(where === "clipboard" ? "The clipboard holds no image or file." : "No file is selected in Finder.");
    this.name = "NothingToAttachError";
  }
}
