import { APIError } from "openai";
import { causeCodes, classifyFailure } from "./classify";
import { relayWording } from "./relay-wording";
import { redactSecrets, wordFailure, type FailureFix } from "./wording";

/** What to tell a person about a failure, and what they can do about it. */
export interface FailureDescription {
  title: string;
  message: string;
  /** The action that fixes it, when there is one. */
  fix?: FailureFix;
  /** Technical text for "Copy Error", with anything looking like a key masked. */
  detail: string;
}

/** Technical text for "Copy Error": the error, its codes, OpenAI's request id. */
function failureDetail(error: unknown): string {
  const parts = [error instanceof Error ? `${error.name}: ${error.message}` : String(error)];
  const codes = causeCodes(error);
  if (codes.length) parts.push(`codes: ${codes.join(", ")}`);
  if (error instanceof APIError && error.requestID) parts.push(`request id: ${error.requestID}`);
  return redactSecrets(parts.join("\n"));
}

/**
 * Turns any failure into words for a person, with what to do next: which failure it is (failures/classify.ts), then
 * the words for it (failures/wording.ts). The one place errors are explained.
 */
export function describeFailure(
  error: unknown,
  context: { model?: string; address?: string } = {},
): FailureDescription {
  const failure = classifyFailure(error, context.address);
  const facts = { ...failure, model: context.model ? `"${context.model}"` : "This model" };
  const words = failure.kind === "relay" ? relayWording(facts) : wordFailure(facts);
  return { ...words, detail: failureDetail(error) };
}
