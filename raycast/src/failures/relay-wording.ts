import { theirWords, wait, type FailureWording, type WordingFacts } from "./wording";

/**
 * Words for every `code` the relay sends (its list: `RELAY_ERROR_CODES` in relay/src/errors.ts). failures/describe.test.ts
 * goes through the relay's list and fails when a code has no entry here.
 */
export const RELAY_FAILURES: Readonly<Record<string, FailureWording>> = {
  invalid_path: {
    title: "Relay refused the request",
    message: "The request's path has '.' or '..' in it, which the relay does not forward. Update the extension.",
  },
  unknown_path: {
    title: "Relay does not know this request",
    message: "The relay does not serve this path. Update the relay on the PC and the extension to the same version.",
  },
  invalid_authorization_header: {
    title: "API key not usable",
    message:
      "The OpenAI API key in the preferences is empty or has spaces or line breaks in it. Paste it again in the extension's preferences.",
    fix: "preferences",
  },
  request_too_large: {
    title: "Request too large for the relay",
    message: "The relay accepts smaller requests. Send less text, or raise --max-body on the relay.",
  },
  request_body_incomplete: {
    title: "Request cut off",
    message: "The relay received only part of the request: the connection dropped on the way. Try again.",
  },
  device_token_invalid: {
    title: "Mac not paired with this relay",
    message: "The relay does not recognise this Mac any more. Pair again with Connect to Relay.",
    fix: "connect-to-relay",
  },
  too_many_failures: {
    title: "Relay is pausing",
    message: "The relay saw too many failed attempts (wrong codes or unknown devices) and waits before accepting more.",
  },
  device_registry_damaged: {
    title: "Relay's list of paired devices is damaged",
    message:
      "The relay found its list of paired devices damaged and waits for a choice on the PC: follow what the relay's window says (restore or reset). After a reset, pair again with Connect to Relay.",
  },
  pairing_code_wrong: {
    title: "Code not accepted",
    message:
      "The relay is not showing this code: it may be mistyped, used already, or expired. Check it, or on the PC press p in the relay's window (or run `npx passerelle pair`) for a new one.",
  },

  control_refused: {
    title: "Only the PC can open pairing",
    message: "Pairing is opened on the PC itself: press p in the relay's window or run `npx passerelle pair` there.",
  },
  body_too_large: {
    title: "Pairing request refused",
    message: "The relay found the pairing request too large. Update the extension and the relay, then pair again.",
  },
  invalid_json: {
    title: "Pairing request not understood",
    message: "The relay did not understand the pairing request. Update the extension and the relay, then pair again.",
  },
  relay_busy: {
    title: "Relay busy",
    message: "The relay has too many requests in flight. Try again in a few seconds.",
  },
  relay_internal_error: {
    title: "The relay failed",
    message: "The relay met an unexpected error. Try again; if it keeps happening, restart the relay on the PC.",
  },
  upstream_unreachable: {
    title: "PC cannot reach OpenAI",
    message: "The relay runs but cannot reach OpenAI. Check the PC's internet connection.",
  },
  upstream_connect_timeout: {
    title: "PC cannot connect to OpenAI",
    message: "The relay could not open a connection to OpenAI in time. Check the PC's internet connection.",
  },
  upstream_first_byte_timeout: {
    title: "OpenAI took too long to answer",
    message:
      "OpenAI did not start answering the PC in time. Try again; for slow models, raise --first-byte-timeout on the relay.",
  },
  upstream_idle_timeout: {
    title: "Answer stopped midway",
    message: "OpenAI stopped sending in the middle of the answer, so it is incomplete. Try again.",
  },
  upstream_closed: {
    title: "Connection to OpenAI dropped",
    message: "The connection between the PC and OpenAI closed before the answer was complete. Try again.",
  },
  upstream_redirect: {
    title: "Relay forwards to the wrong address",
    message:
      "The service the relay forwards to answered with a redirect, which the relay does not follow. Check the relay's --upstream setting on the PC.",
  },
  upstream_error: {
    title: "PC could not complete the request",
    message:
      "Something failed between the PC and OpenAI. Try again; if it keeps happening, check the PC's internet connection and the relay's window.",
  },
};

/** The relay's own failure (a body with the relay's marker): its words, and the wait it asked for when busy. */
export function relayWording(failure: WordingFacts): FailureWording {
  const wording = RELAY_FAILURES[failure.code ?? ""] ?? { title: "The relay failed", message: theirWords(failure) };
  const waits = failure.code === "too_many_failures" || failure.code === "relay_busy";
  return waits ? { ...wording, message: wording.message + wait(failure) } : wording;
}
