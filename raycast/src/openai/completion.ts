import { APIUserAbortError } from "openai";
import type OpenAI from "openai";
import type { AnswerEvent, AnswerListener, CompletionResult, Source } from "./answer-events";
import { streamChatCompletion } from "./chat-completions";
import { answerApi, type AnswerApi } from "./model-traits";
import type { CompletionRequest } from "./request-body";
import { streamResponse } from "./responses";

export type { AnswerEvent, AnswerListener, CompletionResult, Source, TokenUsage } from "./answer-events";
export type { ChatMessage, CompletionRequest, ReasoningEffort } from "./request-body";

/** A request, and which API to ask it through (by default: chosen from the model's name, see `answerApi`). */
export type AnswerRequest = CompletionRequest & { api?: AnswerApi };

/**
 * The one way to stream an answer: OpenAI's models through the Responses API, servers on the PC through Chat
 * Completions; either way the same events. Aborting `signal` cancels the HTTP stream (the relay then aborts its
 * upstream request).
 */
export function streamAnswer(
  client: OpenAI,
  request: AnswerRequest,
  signal?: AbortSignal,
): AsyncGenerator<AnswerEvent> {
  const api = request.api ?? answerApi(request.model);
  return api === "responses" ? streamResponse(client, request, signal) : streamChatCompletion(client, request, signal);
}

/**
 * Streams an answer with the official client, handing each event to `listener` as it arrives, and resolves with the
 * whole answer. Aborting `signal` rejects with `APIUserAbortError`, so a cut answer never looks complete.
 */
export async function streamCompletion(
  client: OpenAI,
  request: AnswerRequest,
  listener: AnswerListener,
  signal?: AbortSignal,
): Promise<CompletionResult> {
  const on = typeof listener === "function" ? { text: listener } : listener;
  const started = performance.now();
  const text: string[] = [];
  const reasoning: string[] = [];
  const sources: Source[] = [];
  const result: Omit<CompletionResult, "text" | "reasoning" | "sources"> = { model: request.model };
  for await (const event of streamAnswer(client, request, signal)) {
    if (event.type === "text") {
      result.firstTextMs ??= Math.round(performance.now() - started);
      text.push(event.delta);
      on.text?.(event.delta);
    } else if (event.type === "reasoning") {
      reasoning.push(event.delta);
      on.reasoning?.(event.delta);
    } else if (event.type === "reasoning-hidden") on.reasoningHidden?.(event.refusedNow);
    else if (event.type === "searching") on.searching?.(event.query);
    else if (event.type === "source") {
      if (sources.some((known) => known.url === event.source.url)) continue;
      sources.push(event.source);
      on.source?.(event.source, sources.length);
    } else if (event.type === "usage") result.usage = event.usage;
    else {
      result.model = event.model;
      result.finishReason = event.finishReason;
    }
  }
  // The client ends the iteration quietly on abort: make it an error so a cut answer never looks complete.
  if (signal?.aborted) throw new APIUserAbortError();
  return { ...result, text: text.join(""), reasoning: reasoning.join(""), sources };
}
