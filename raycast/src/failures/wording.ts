import type { Failure, FailureKind } from "./classify";
import type { FactsOf, OwnFailureCode } from "./errors";
import { formatMegabytes } from "../helpers/format";

/**
 * Where a failure is fixed: the extension's preferences (key, model), pairing (Connect to Relay), or macOS's
 * Screen Recording settings.
 */
export type FailureFix = "preferences" | "connect-to-relay" | "screen-recording";

/** Words for people, and the fix, for one failure. */
export interface FailureWording {
  title: string;
  message: string;
  fix?: FailureFix;
}

/** What the words of a failure may mention besides its facts. */
export interface WordingFacts extends Failure {
  /** The model asked, quoted (`"gpt-4.1"`), or "This model". */
  model: string;
}

/** Masks OpenAI keys (and the partial keys OpenAI echoes in its 401 message). */
export function redactSecrets(text: string): string {
  return text.replace(/\bsk-[A-Za-z0-9_*-]{2,}/g, "sk-…");
}

/** ` (address)` when the failure names where the relay was asked. */
export const where = (facts: Failure) => (facts.address ? ` (${facts.address})` : "");
/** ` Try again in N s.` when the answer said how long to wait. */
export const wait = (facts: Failure) => (facts.retryAfter ? ` Try again in ${Math.ceil(facts.retryAfter)} s.` : "");
/** The failure's own words, keys masked. */
export const theirWords = (facts: Failure) => redactSecrets(facts.message ?? "");

/** What a network failure is called and what to check, by the code that names it (failures/classify.ts). */
const CONNECTION: Readonly<Record<string, Omit<FailureWording, "fix">>> = {
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

const CANNOT_REACH = {
  title: "Cannot reach the relay",
  message: "Are the Mac and the PC on the same Wi-Fi? Is the relay started? Does the PC's firewall allow it?",
};

const CERTIFICATE_REFUSED: FailureWording = {
  title: "Relay certificate does not match",
  message:
    "The relay showed a certificate this Mac did not pair with, so nothing was sent. If you reinstalled the relay, pair again with Connect to Relay; otherwise another machine may be answering.",
  fix: "connect-to-relay",
};

type Entry = FailureWording | ((failure: WordingFacts) => FailureWording);
type OwnEntry<C extends OwnFailureCode> =
  FailureWording | ((facts: FactsOf<C>, failure: WordingFacts) => FailureWording);

const EXAMPLE = "Type it like 192.168.1.20:8787 or my-pc.local:8787.";
const ADDRESS_PROBLEMS = {
  empty: () => `No relay address. ${EXAMPLE}`,
  scheme: (typed: string) => `The relay address "${typed}" must start with http:// or https://. ${EXAMPLE}`,
  "not-an-address": (typed: string) => `"${typed}" is not an address. ${EXAMPLE}`,
};

const UNUSABLE_FILE = {
  folder: { title: "Folders cannot be attached", advice: "Select the files inside it instead." },
  missing: { title: "File no longer available", advice: "It was moved or deleted since it was chosen." },
  unsupported: {
    title: "File not supported",
    advice: "Attach images (PNG, JPEG, WebP, GIF, HEIC), PDFs, or text and code files.",
  },
};
const WHY_UNUSABLE = {
  folder: (name: string) => `${name} is a folder.`,
  missing: (name: string) => `${name} is no longer available.`,
  unsupported: (name: string) => `${name} is neither an image, a PDF nor a text file.`,
};

const NOTHING_FOUND = {
  clipboard: "The clipboard holds no image or file. Copy an image or a file first.",
  finder: "No file is selected in Finder. Bring Finder to the front with files selected.",
};

/** What to tell a person about each failure the extension finds itself, by its code (failures/errors.ts). */
export const OWN_WORDING: { readonly [C in OwnFailureCode]: OwnEntry<C> } = {
  PASSERELLE_NOT_PAIRED: {
    title: "This Mac is not paired with a relay yet",
    message:
      "Run Connect to Relay in Raycast, and on the PC press p in the relay's window or run `npx passerelle pair`.",
    fix: "connect-to-relay",
  },
  PASSERELLE_PIN_MISMATCH: CERTIFICATE_REFUSED,
  PASSERELLE_RELAY_UNREACHABLE: (_facts, failure) => ({
    title: `${(CONNECTION[failure.code ?? ""] ?? CANNOT_REACH).title}${where(failure)}`,
    message:
      "It was not found on this network either. Are the Mac and the PC on the same Wi-Fi? Is the relay started on the PC? Does the PC's firewall allow it (on the PC: `npx passerelle setup`)? If the PC's address changed and this network hides the relay, run Connect to Relay.",
    fix: "connect-to-relay",
  }),
  PASSERELLE_BAD_ADDRESS: (facts) => ({
    title: "Relay address not usable",
    message: ADDRESS_PROBLEMS[facts.problem](facts.typed),
    fix: "connect-to-relay",
  }),
  PASSERELLE_NOT_A_CODE: {
    title: "Not a pairing code",
    message: "That is not a pairing code: it has 28 letters and digits, like 4G8Z-K2PA-0WQM-7TXB-H3CN-9RD5-XM2Q.",
  },
  PASSERELLE_RELAY_NOT_FOUND: {
    title: "Relay not found",
    message:
      "No relay with this code answers on this network. Check that the relay runs, or type the address it prints.",
  },
  PASSERELLE_CODE_MISMATCH: {
    title: "Not the relay of this code",
    message:
      "The relay at this address is not the one whose code you typed. Check the code; if it is right, another machine may be answering at this address.",
  },
  PASSERELLE_PAIRING_REFUSED: (facts) => ({
    title: "Pairing refused",
    message: `Something at this address answered ${facts.status}, but not as the relay does. Check the address the relay prints.`,
  }),
  PASSERELLE_ATTACHMENT_TOO_LARGE: (facts) => ({
    title: `${facts.fileName} is too large`,
    message: `It is ${formatMegabytes(facts.bytes)}; Passerelle sends files of up to ${formatMegabytes(facts.limit)}. Nothing was sent: choose a smaller file.`,
  }),
  PASSERELLE_REQUEST_TOO_LARGE: (facts) => ({
    title: "Too large for the relay",
    message: `With ${facts.fileNames.join(", ")} the request is ${formatMegabytes(facts.bytes)}; the relay accepts ${formatMegabytes(facts.limit)} (its --max-body). Nothing was sent: attach fewer files, or raise --max-body on the relay.`,
  }),
  PASSERELLE_ATTACHMENT_UNUSABLE: (facts) => ({
    title: UNUSABLE_FILE[facts.reason].title,
    message: `${WHY_UNUSABLE[facts.reason](facts.fileName)} ${UNUSABLE_FILE[facts.reason].advice}`,
  }),
  PASSERELLE_SCREEN_RECORDING_DENIED: {
    title: "Raycast may not record the screen",
    message:
      "Allow Raycast in System Settings → Privacy & Security → Screen & System Audio Recording, then run Ask About Screen again.",
    fix: "screen-recording",
  },
  PASSERELLE_NOTHING_SELECTED: {
    title: "Nothing to ask about",
    message:
      "No file is selected in Finder, and the clipboard holds no image or file. Select files in Finder, or copy an image or a file, then run Ask About Selection.",
  },
  PASSERELLE_NOTHING_TO_ATTACH: (facts) => ({ title: "Nothing to attach", message: NOTHING_FOUND[facts.where] }),
};

/** What to tell a person about a failure from the network or OpenAI (the relay's own: failures/relay-wording.ts). */
export const WORDING: { readonly [K in Exclude<FailureKind, "relay">]: Entry } = {
  connection: (failure) => {
    const known = CONNECTION[failure.code ?? ""] ?? CANNOT_REACH;
    return { title: known.title + where(failure), message: known.message };
  },
  certificate_refused: CERTIFICATE_REFUSED,
  stream_cut: (failure) => ({
    title: `Relay stopped mid-answer${where(failure)}`,
    message:
      "The connection to the relay closed before the answer was complete: the relay was stopped, or the PC slept or left the Wi-Fi. What arrived is kept; Regenerate to ask again.",
  }),
  client_timeout: {
    title: "Relay took too long",
    message: "No answer in time. Check that the relay runs on the PC and that both machines share the Wi-Fi.",
  },
  openai_key_refused: {
    title: "API key refused by OpenAI",
    message: "Check the OpenAI API key in the extension's preferences.",
    fix: "preferences",
  },
  openai_model_unknown: (failure) => ({
    title: "Model unknown",
    message: `${failure.model} does not exist or your key cannot use it. Choose another model.`,
    fix: "preferences",
  }),
  not_a_relay: {
    title: "Not a relay at this address",
    message: "Something answered, but not the relay. Pair again with Connect to Relay.",
    fix: "connect-to-relay",
  },
  openai_quota: {
    title: "OpenAI quota exceeded",
    message: "Your OpenAI account has no credit left. Add credit in OpenAI's billing settings, then try again.",
  },
  openai_rate_limited: (failure) => ({
    title: "Too many requests",
    message: `OpenAI limits how fast your key can ask.${wait(failure) || " Wait a moment and try again."}`,
  }),
  openai_permission: (failure) => ({
    title: "OpenAI refused the request",
    message: `${theirWords(failure)} Check that your key's project may use ${failure.model}.`,
    fix: "preferences",
  }),
  openai_context_too_long: (failure) => ({
    title: "Text too long for the model",
    message: `${failure.model} cannot read that much text at once. Shorten it or choose a model with a larger context.`,
  }),
  openai_refused: (failure) => ({ title: "OpenAI refused the request", message: theirWords(failure) }),
  openai_failed: { title: "OpenAI had a problem", message: "The service failed on its side. Try again in a moment." },
  request_failed: (failure) => ({ title: "Request failed", message: theirWords(failure) }),
  unknown: (failure) => ({ title: "Something went wrong", message: theirWords(failure) }),
};

/** The words for a failure the extension found itself, or one of the network's or OpenAI's. */
export function wordFailure(failure: WordingFacts): FailureWording {
  if (failure.kind in OWN_WORDING) {
    const entry = OWN_WORDING[failure.kind as OwnFailureCode] as OwnEntry<OwnFailureCode>;
    return typeof entry === "function" ? entry(failure.facts as never, failure) : entry;
  }
  const entry = WORDING[failure.kind as Exclude<FailureKind, "relay">];
  return typeof entry === "function" ? entry(failure) : entry;
}
