import { APIUserAbortError } from "openai";
import type OpenAI from "openai";
import { acceptsTemperature } from "./model-traits";

/** One message of a conversation. */
export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** What to ask. */
export interface CompletionRequest {
  model: string;
  messages: ChatMessage[];
  /** 0–2; left out for models that refuse it. */
  temperature?: number;
}

/** Token counts reported by the upstream, when it reports them. */
export interface TokenUsage {
  prompt: number;
  completion: number;
}

/** How a finished stream ended. */
export interface CompletionResult {
  text: string;
  model: string;
  usage?: TokenUsage;
  finishReason?: string;
}

/** The body sent to `POST /v1/chat/completions` for a request. */
export function buildChatBody(request: CompletionRequest) {
  return {
    model: request.model,
    messages: request.messages,
    stream: true as const,
    stream_options: { include_usage: true },
    ...(request.temperature !== undefined && acceptsTemperature(request.model)
      ? { temperature: request.temperature }
      : {}),
  };
}

/**
 * Streams an answer with the official client, calling `onDelta` with each piece of text as it arrives.
 * Aborting `signal` stops the request (the client cancels the HTTP stream) and rejects with `APIUserAbortError`.
 */
export async function streamCompletion(
  client: OpenAI,
  request: CompletionRequest,
  onDelta: (text: string) => void,
  signal?: AbortSignal,
): Promise<CompletionResult> {
  const stream = await client.chat.completions.create(buildChatBody(request), { signal });
  const parts: string[] = [];
  let model = request.model;
  let usage: TokenUsage | undefined;
  let finishReason: string | undefined;
  for await (const chunk of stream) {
    if (chunk.model) model = chunk.model;
    if (chunk.usage) usage = { prompt: chunk.usage.prompt_tokens, completion: chunk.usage.completion_tokens };
    const choice = chunk.choices[0];
    if (!choice) continue;
    if (choice.finish_reason) finishReason = choice.finish_reason;
    const text = choice.delta?.content;
    if (text) {
      parts.push(text);
      onDelta(text);
    }
  }
  // The client ends the iteration quietly on abort: make it an error so a cut answer never looks complete.
  if (signal?.aborted) throw new APIUserAbortError();
  return { text: parts.join(""), model, usage, finishReason };
}
