import { randomUUID } from "node:crypto";
import { isCancellation } from "../failures/describe";
import { createThrottledText } from "../helpers/throttled-text";
import { relayClient } from "../relay/clients";
import { getApiKey, getRelayConnection, withPairedRelay } from "../relay/connection";
import { putHistoryEntry, saveHistoryEntry } from "../storage/history";
import type { HistoryEntry } from "../storage/history-bounds";
import { streamCompletion, type ChatMessage, type TokenUsage } from "./completion";

/** One request to stream: changing `id` starts it again (Ask Again, Try Another Model). */
export interface AnswerRequest {
  id: string;
  model: string;
  messages: ChatMessage[];
  temperature?: number;
  /** How the answer is kept in History; `historyId` overwrites an entry (Regenerate, a chat's next turn). */
  history: { kind: HistoryEntry["kind"]; title: string; historyId?: string };
}

/** How a request ended, with the text that arrived: whole, stopped (Esc, the view closed) or failed. */
export type AnswerOutcome =
  | { status: "done"; text: string; model: string; usage?: TokenUsage; durationMs: number }
  | { status: "stopped"; text: string }
  | { status: "failed"; text: string; error: unknown; address?: string };

/** Knobs for tests and long answers. */
export interface StreamAnswerOptions {
  /** Hand the text on at most this often while streaming. */
  renderIntervalMs?: number;
  /** Save the partial answer to History at most this often. */
  saveIntervalMs?: number;
}

/** Makes a fresh request id. */
export function newRequestId(): string {
  return randomUUID();
}

/**
 * Keeps one request in History. Only requests that produced an answer or part of one are kept: the entry is written
 * with the first text (then replaced in place: Ask Again, Regenerate and a chat's next turn keep the same id), never
 * for a failure.
 */
function historyKeeper(request: AnswerRequest, started: number) {
  const entry: HistoryEntry = {
    id: request.history.historyId ?? request.id,
    kind: request.history.kind,
    title: request.history.title,
    messages: request.messages,
    answer: "",
    model: request.model,
    status: "streaming",
    createdAt: started,
    updatedAt: started,
  };
  let stored = false;
  return (fields: Partial<HistoryEntry>) => {
    const write = stored ? saveHistoryEntry : putHistoryEntry;
    stored = true;
    return write({ ...entry, ...fields, updatedAt: Date.now() });
  };
}

/**
 * Streams an answer through the paired relay, handing the text to `onText` at most once per render interval and
 * keeping it in History as it grows (so closing Raycast loses nothing). If the relay moved, it is found again by id
 * and asked once more, unless part of an answer arrived. Never rejects: a failure is part of the outcome.
 */
export async function runAnswer(
  request: AnswerRequest,
  onText: (text: string) => void,
  signal: AbortSignal,
  options: StreamAnswerOptions = {},
): Promise<AnswerOutcome> {
  const { renderIntervalMs = 100, saveIntervalMs = 2_000 } = options;
  const started = Date.now();
  const keep = historyKeeper(request, started);
  let lastSave = 0;
  const buffer = createThrottledText((text) => {
    if (!signal.aborted) onText(text);
    if (text && Date.now() - lastSave >= saveIntervalMs) {
      lastSave = Date.now();
      void keep({ answer: text });
    }
  }, renderIntervalMs);
  let address: string | undefined;
  try {
    const result = await withPairedRelay(
      await getRelayConnection(),
      (connection) => {
        address = connection.address;
        const { model, messages, temperature } = request;
        const client = relayClient(connection, getApiKey());
        return streamCompletion(client, { model, messages, temperature }, (piece) => buffer.append(piece), signal);
      },
      { signal, canRetry: () => !buffer.text },
    );
    buffer.flush();
    const durationMs = Date.now() - started;
    await keep({ answer: result.text, model: result.model, status: "done", usage: result.usage, durationMs });
    return { status: "done", text: result.text, model: result.model, usage: result.usage, durationMs };
  } catch (error) {
    buffer.cancel();
    const text = buffer.text;
    if (text) await keep({ answer: text, status: "interrupted" });
    return isCancellation(error) ? { status: "stopped", text } : { status: "failed", text, error, address };
  }
}
