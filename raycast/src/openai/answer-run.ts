import { randomUUID } from "node:crypto";
import { attachmentInfo } from "../attachments/attachment";
import { restoreFiles } from "../attachments/availability";
import { isCancellation } from "../failures/classify";
import { describeFailure } from "../failures/describe";
import { createThrottledText } from "../helpers/throttled-text";
import { relayClient } from "../relay/clients";
import { getApiKey, getRelayConnection, withPairedRelay } from "../relay/connection";
import type { RelayLookup } from "../relay/discovery";
import { relayBodyLimit } from "../relay/limits";
import { putHistoryEntry, saveHistoryEntry } from "../storage/history";
import type { HistoryEntry } from "../storage/history-bounds";
import { streamCompletion, type ChatMessage, type ReasoningEffort, type Source, type TokenUsage } from "./completion";
import { answerApi, isReasoningModel } from "./model-traits";
import { modelsServedByPC } from "./models";
import { reasoningSummaryWanted, rememberSummaryRefused } from "./reasoning-summary";

/** One request to stream: changing `id` starts it again (Ask Again, Try Another Model). */
export interface AnswerRequest {
  id: string;
  model: string;
  messages: ChatMessage[];
  temperature?: number;
  /** Let the model search the web (OpenAI's models). */
  webSearch?: boolean;
  /** How hard a reasoning model thinks. */
  reasoningEffort?: ReasoningEffort;
  /** How the answer is kept in History; `historyId` overwrites an entry (Regenerate, a chat's next turn). */
  history: { kind: HistoryEntry["kind"]; title: string; historyId?: string };
}

/** How a request ended, with the text that arrived: whole, stopped (Esc, the view closed) or failed. */
export type AnswerOutcome =
  | {
      status: "done";
      text: string;
      model: string;
      usage?: TokenUsage;
      durationMs: number;
      /** From the request to the first words of the answer. */
      firstTextMs?: number;
      reasoning: string;
      sources: Source[];
    }
  | { status: "stopped"; text: string }
  | { status: "failed"; text: string; error: unknown; address?: string };

/** Knobs for tests and long answers. */
export interface StreamAnswerOptions {
  /** Finds the paired relay by id when its address stopped answering (mDNS by default). */
  lookup?: RelayLookup;
  /** Hand the text on at most this often while streaming. */
  renderIntervalMs?: number;
  /** Save the partial answer to History at most this often. */
  saveIntervalMs?: number;
}

/** What has arrived of an answer still streaming: its text, the reasoning summary, a web search, its sources. */
export interface AnswerProgress {
  text?: string;
  reasoning?: string;
  /** The model thinks, but OpenAI shows no summary of it: the organization is not verified. */
  reasoningHidden?: boolean;
  /** Set while the model searches the web (with its query when it says); cleared by the first words. */
  searching?: { query?: string };
  sources?: Source[];
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
    // Files by name, hash and thumbnail: never their bytes.
    messages: request.messages.map((message) =>
      message.attachments ? { ...message, attachments: message.attachments.map(attachmentInfo) } : message,
    ),
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

/** Sends the request over one connection to the relay: the API for its model, the relay's body limit when files
 * go, the files History remembers read again from their place. */
async function ask(
  request: AnswerRequest,
  connection: Parameters<typeof relayClient>[0],
  listener: Parameters<typeof streamCompletion>[2],
  signal: AbortSignal,
) {
  const apiKey = getApiKey();
  const api = answerApi(request.model, await modelsServedByPC());
  const hasFiles = request.messages.some((message) => message.attachments?.length);
  const maxBodyBytes = hasFiles ? await relayBodyLimit(connection, apiKey, signal) : undefined;
  const messages = hasFiles ? await restoreFiles(request.messages) : request.messages;
  const { model, temperature, webSearch, reasoningEffort } = request;
  const reasoningSummary = api === "responses" && isReasoningModel(model) ? await reasoningSummaryWanted() : undefined;
  return streamCompletion(
    relayClient(connection, apiKey),
    { model, messages, temperature, webSearch, reasoningEffort, reasoningSummary, api, maxBodyBytes },
    listener,
    signal,
  );
}

/**
 * Streams an answer through the paired relay, handing what arrived to `onProgress` at most once per render interval
 * and keeping the text in History as it grows (so closing Raycast loses nothing). If the relay moved, it is found
 * again by id and asked once more, unless part of an answer arrived. Never rejects: a failure is part of the outcome.
 */
export async function runAnswer(
  request: AnswerRequest,
  onProgress: (progress: AnswerProgress) => void,
  signal: AbortSignal,
  options: StreamAnswerOptions = {},
): Promise<AnswerOutcome> {
  const { renderIntervalMs = 100, saveIntervalMs = 2_000 } = options;
  const started = Date.now();
  const keep = historyKeeper(request, started);
  const update = (progress: AnswerProgress) => !signal.aborted && onProgress(progress);
  let lastSave = 0;
  const buffer = createThrottledText((text) => {
    update({ text, searching: undefined });
    if (text && Date.now() - lastSave >= saveIntervalMs) {
      lastSave = Date.now();
      void keep({ answer: text });
    }
  }, renderIntervalMs);
  const thoughts = createThrottledText((reasoning) => update({ reasoning }), renderIntervalMs);
  const sources: Source[] = [];
  const listener = {
    text: (piece: string) => buffer.append(piece),
    reasoning: (piece: string) => thoughts.append(piece),
    reasoningHidden: (refusedNow: boolean) => {
      if (refusedNow) void rememberSummaryRefused();
      update({ reasoningHidden: true });
    },
    searching: (query?: string) => update({ searching: { query } }),
    source: (source: Source) => update({ sources: (sources.push(source), [...sources]) }),
  };
  let address: string | undefined;
  try {
    const result = await withPairedRelay(
      await getRelayConnection(),
      (connection) => {
        address = connection.address;
        return ask(request, connection, listener, signal);
      },
      { signal, canRetry: () => !buffer.text && !thoughts.text, lookup: options.lookup },
    );
    buffer.flush();
    thoughts.flush();
    const { text, model, usage, firstTextMs, reasoning } = result;
    const durationMs = Date.now() - started;
    await keep({ answer: text, model, status: "done", usage, durationMs, sources: result.sources });
    return { status: "done", text, model, usage, durationMs, firstTextMs, reasoning, sources: result.sources };
  } catch (error) {
    buffer.cancel();
    thoughts.cancel();
    const text = buffer.text;
    const stopped = isCancellation(error);
    // A failure keeps its reason with the partial answer: a relay that stopped must not look like Stop pressed.
    if (text)
      await keep({ answer: text, status: "interrupted", ...(!stopped && { failure: describeFailure(error).title }) });
    return stopped ? { status: "stopped", text } : { status: "failed", text, error, address };
  }
}
