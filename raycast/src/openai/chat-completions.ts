import type OpenAI from "openai";
import type { AnswerEvent } from "./answer-events";
import { checkBodySize, encodeChatBody, type CompletionRequest } from "./request-body";

/** Reasoning fields some servers on the PC add to a chunk's delta (Ollama, LM Studio, vLLM). */
interface LocalReasoningDelta {
  reasoning_content?: string | null;
  reasoning?: string | null;
}

/** Streams an answer through `POST /v1/chat/completions` (the servers on the PC), as answer events. */
export async function* streamChatCompletion(
  client: OpenAI,
  request: CompletionRequest,
  signal?: AbortSignal,
): AsyncGenerator<AnswerEvent> {
  const { bytes } = checkBodySize(encodeChatBody(request), request.maxBodyBytes);
  const stream = await client.chat.completions.create(
    { model: request.model, messages: [], stream: true },
    { signal, body: bytes, headers: { "content-type": "application/json" } },
  );
  let model = request.model;
  let finishReason: string | undefined;
  for await (const chunk of stream) {
    if (chunk.model) model = chunk.model;
    if (chunk.usage) {
      yield { type: "usage", usage: { prompt: chunk.usage.prompt_tokens, completion: chunk.usage.completion_tokens } };
    }
    const choice = chunk.choices[0];
    if (!choice) continue;
    if (choice.finish_reason) finishReason = choice.finish_reason;
    const delta = choice.delta as (typeof choice.delta & LocalReasoningDelta) | undefined;
    const reasoning = delta?.reasoning_content ?? delta?.reasoning;
    if (reasoning) yield { type: "reasoning", delta: reasoning };
    if (delta?.content) yield { type: "text", delta: delta.content };
  }
  yield { type: "end", model, finishReason };
}
