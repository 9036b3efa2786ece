import { APIError } from "openai";
import type OpenAI from "openai";
import type { ResponseStreamEvent } from "openai/resources/responses/responses";
import type { AnswerEvent, Source } from "./answer-events";
import { isReasoningModel } from "./model-traits";
import { checkBodySize, encodeResponsesBody, type CompletionRequest } from "./request-body";

/** The failure a `response.failed` event carries, as the client's error class so that it is worded like others. */
function failed(error: { code?: string | null; message?: string } | null | undefined): APIError {
  const message = error?.message ?? "The model could not answer.";
  return new APIError(undefined, { code: error?.code ?? null, message, type: "response_failed" }, message, undefined);
}

/** The web pages cited by a finished message, in order. */
function citations(event: Extract<ResponseStreamEvent, { type: "response.output_item.done" }>): Source[] {
  if (event.item.type !== "message") return [];
  return event.item.content.flatMap((part) =>
    part.type === "output_text"
      ? part.annotations.flatMap((a) => (a.type === "url_citation" ? [{ url: a.url, title: a.title }] : []))
      : [],
  );
}

/** What one event of the Responses stream means for the view, if anything. */
function* translate(event: ResponseStreamEvent): Generator<AnswerEvent> {
  switch (event.type) {
    case "response.output_text.delta":
      return yield { type: "text", delta: event.delta };
    case "response.reasoning_summary_text.delta":
      return yield { type: "reasoning", delta: event.delta };
    case "response.reasoning_summary_part.added":
      // Summaries come in parts (one per step of thought): keep them apart as paragraphs.
      if (event.summary_index > 0) yield { type: "reasoning", delta: "\n\n" };
      return;
    case "response.output_item.added":
      if (event.item.type === "web_search_call") {
        const action = event.item.action as { query?: string } | undefined;
        yield { type: "searching", query: action?.query };
      }
      return;
    case "response.output_text.annotation.added": {
      const annotation = event.annotation as { type?: string; url?: string; title?: string } | null;
      if (annotation?.type === "url_citation" && annotation.url) {
        yield { type: "source", source: { url: annotation.url, title: annotation.title || annotation.url } };
      }
      return;
    }
    case "response.output_item.done":
      for (const source of citations(event)) yield { type: "source", source };
      return;
    case "response.completed":
    case "response.incomplete": {
      const { usage, model, incomplete_details } = event.response;
      if (usage) {
        const reasoning = usage.output_tokens_details?.reasoning_tokens;
        yield {
          type: "usage",
          usage: { prompt: usage.input_tokens, completion: usage.output_tokens, ...(reasoning && { reasoning }) },
        };
      }
      return yield { type: "end", model, finishReason: incomplete_details?.reason ?? "stop" };
    }
    case "response.failed":
      throw failed(event.response.error);
  }
}

/** OpenAI refused the request for its reasoning summary: its organization is not verified. */
const isSummaryRefused = (error: unknown) =>
  error instanceof APIError && error.status === 400 && error.param === "reasoning.summary";

/** Opens the stream of `request`'s answer. */
function open(client: OpenAI, request: CompletionRequest, signal?: AbortSignal) {
  const { bytes } = checkBodySize(encodeResponsesBody(request), request.maxBodyBytes);
  return client.responses.create(
    { model: request.model, input: [], stream: true },
    { signal, body: bytes, headers: { "content-type": "application/json" } },
  );
}

/**
 * Streams an answer through `POST /v1/responses` (OpenAI's models), as answer events. A request OpenAI refuses for
 * its reasoning summary is asked again without it, once; the views are told the summary is hidden and why.
 */
export async function* streamResponse(
  client: OpenAI,
  request: CompletionRequest,
  signal?: AbortSignal,
): AsyncGenerator<AnswerEvent> {
  const thinks = isReasoningModel(request.model);
  if (thinks && request.reasoningSummary === false) yield { type: "reasoning-hidden", refusedNow: false };
  let stream: Awaited<ReturnType<typeof open>>;
  try {
    stream = await open(client, request, signal);
  } catch (error) {
    if (!thinks || request.reasoningSummary === false || !isSummaryRefused(error)) throw error;
    yield { type: "reasoning-hidden", refusedNow: true };
    stream = await open(client, { ...request, reasoningSummary: false }, signal);
  }
  let ended = false;
  for await (const event of stream) {
    for (const answer of translate(event)) {
      if (answer.type === "end") ended = true;
      yield answer;
    }
  }
  // A stream that stops without response.completed (cut short) must not look like a whole answer.
  if (!ended && !signal?.aborted)
    throw failed({ code: "stream_incomplete", message: "The answer stopped before its end." });
}
