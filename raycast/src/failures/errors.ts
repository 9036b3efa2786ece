/**
 * The extension's own failures, all in one module (as undici keeps its errors in core/errors.js): one base with a
 * stable `code` and the facts the words need, one line a failure. Errors from the relay and from OpenAI arrive as
 * the `openai` client's `APIError`s; these are what the extension finds itself. Which failure an error is:
 * failures/classify.ts; what to tell the person: the table in failures/wording.ts.
 */
export class PasserelleError<Facts extends object = object> extends Error {
  /** Stable, and found in a `cause` chain (`PASSERELLE_PIN_MISMATCH` inside a TLS failure). */
  readonly code: string = "PASSERELLE_ERROR";

  constructor(
    message: string,
    /** What the words for this failure may name (a file, a size, an address). */
    readonly facts: Facts = {} as Facts,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Nothing is paired: no relay to talk to until Connect to Relay has run. */
export class NotPairedError extends PasserelleError {
  override readonly code = "PASSERELLE_NOT_PAIRED";
}
/** Raised inside the TLS handshake when the relay shows another certificate than the paired one. */
export class PinMismatchError extends PasserelleError {
  override readonly code = "PASSERELLE_PIN_MISMATCH";
}
/** The paired relay did not answer at `address`, and was not found again on this network. `cause` says why. */
export class RelayUnreachableError extends PasserelleError<{ address: string }> {
  override readonly code = "PASSERELLE_RELAY_UNREACHABLE";
}
/** A relay address a person typed (`typed`) that cannot be turned into a URL, and why. */
export class RelayAddressError extends PasserelleError<{
  typed: string;
  problem: "empty" | "scheme" | "not-an-address";
}> {
  override readonly code = "PASSERELLE_BAD_ADDRESS";
}
/** The typed code is not a pairing code (wrong length or characters). */
export class PairingCodeError extends PasserelleError {
  override readonly code = "PASSERELLE_NOT_A_CODE";
}
/** No relay with the typed code announced itself on this network in time. */
export class RelayNotFoundError extends PasserelleError {
  override readonly code = "PASSERELLE_RELAY_NOT_FOUND";
}
/** The relay at that address shows another certificate than the code names: nothing was sent to it. */
export class CertificateMismatchError extends PasserelleError {
  override readonly code = "PASSERELLE_CODE_MISMATCH";
}
/** Something answered pairing, but not with a relay's own error: `status` is what it answered. */
export class PairingRefusedError extends PasserelleError<{ status: number }> {
  override readonly code = "PASSERELLE_PAIRING_REFUSED";
}
/** A file larger than Passerelle sends, refused before anything left the Mac. */
export class AttachmentTooLargeError extends PasserelleError<{ fileName: string; bytes: number; limit: number }> {
  override readonly code = "PASSERELLE_ATTACHMENT_TOO_LARGE";
}
/** The question and its files together exceed what the relay accepts (its `--max-body`): nothing was sent. */
export class RequestTooLargeError extends PasserelleError<{ bytes: number; limit: number; fileNames: string[] }> {
  override readonly code = "PASSERELLE_REQUEST_TOO_LARGE";
}
/** A file that cannot be attached: a folder, a kind the model cannot read, or a file gone since it was chosen. */
export class AttachmentUnusableError extends PasserelleError<{
  fileName: string;
  reason: "folder" | "unsupported" | "missing";
}> {
  override readonly code = "PASSERELLE_ATTACHMENT_UNUSABLE";
}
/** `screencapture` was refused: Raycast lacks the Screen Recording permission. */
export class ScreenRecordingDeniedError extends PasserelleError {
  override readonly code = "PASSERELLE_SCREEN_RECORDING_DENIED";
}
/** Ask About Selection found no file selected in Finder and nothing on the clipboard. */
export class NothingSelectedError extends PasserelleError {
  override readonly code = "PASSERELLE_NOTHING_SELECTED";
}
/** An Attach action found nothing where it looked (`where`: the clipboard, Finder's selection). */
export class NothingToAttachError extends PasserelleError<{ where: "clipboard" | "finder" }> {
  override readonly code = "PASSERELLE_NOTHING_TO_ATTACH";
}

/** Every failure of the extension's own. */
export type OwnFailure =
  | NotPairedError
  | PinMismatchError
  | RelayUnreachableError
  | RelayAddressError
  | PairingCodeError
  | RelayNotFoundError
  | CertificateMismatchError
  | PairingRefusedError
  | AttachmentTooLargeError
  | RequestTooLargeError
  | AttachmentUnusableError
  | ScreenRecordingDeniedError
  | NothingSelectedError
  | NothingToAttachError;

/** The code of a failure of the extension's own. */
export type OwnFailureCode = OwnFailure["code"];

/** The facts a failure of the extension's own carries, by its code. */
export type FactsOf<C extends OwnFailureCode> = Extract<OwnFailure, { code: C }>["facts"];
