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
