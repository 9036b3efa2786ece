/**
 * OpenAI's Responses API as it streams (`POST /v1/responses` with `stream: true`): named SSE events, each with its
 * `type` and `sequence_number`, shapes as in openai-node's `ResponseStreamEvent` types.
 */

/** What a scripted answer holds. */
export interface ScriptedResponse {
  model?: string;
  /** Pieces of the reasoning summary, streamed before the answer; each array is one summary part. */
  reasoning?: string[][];
  /** A web search before the answer: the query, and the pages the answer then cites. */
  search?: { query: string; sources: { url: string; title: string }[] };
  /** Pieces of the answer. */
  text?: string[];
  usage?: { input: number; output: number; reasoning?: number };
  /** End with `response.failed` carrying this error instead of `response.completed`. */
  fail?: { code: string; message: string };
}

/** One named event, as OpenAI writes it. */
export function responseEvent(type: string, data: Record<string, unknown>, sequence: number): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data, sequence_number: sequence })}\n\n`;
}

function responseObject(model: string, status: string, output: unknown[], extra: Record<string, unknown> = {}) {
  return {
    id: "resp_test",
    object: "response",
    created_at: 1_700_000_000,
    status,
    error: null,
    incomplete_details: null,
    instructions: null,
    model,
    output,
    parallel_tool_calls: true,
    temperature: 1,
    tool_choice: "auto",
    tools: [],
    top_p: 1,
    usage: null,
    ...extra,
  };
}

/** The events of a whole streamed response, in OpenAI's order: reasoning, web search, message, completion. */
export function responseEvents(script: ScriptedResponse): string[] {
  const model = script.model ?? "gpt-4.1-mini";
  const events: string[] = [];
  const push = (type: string, data: Record<string, unknown>) => events.push(responseEvent(type, data, events.length));
  const output: unknown[] = [];
  push("response.created", { response: responseObject(model, "in_progress", []) });
  push("response.in_progress", { response: responseObject(model, "in_progress", []) });
  if (script.reasoning) output.push(reasoningItem(script.reasoning, output.length, push));
  if (script.search) output.push(searchItem(script.search.query, output.length, push));
  if (script.fail) {
    const error = { code: script.fail.code, message: script.fail.message };
    push("response.failed", { response: responseObject(model, "failed", output, { error }) });
    return events;
  }
  output.push(messageItem(script.text ?? [], script.search?.sources ?? [], output.length, push));
  const { input = 12, output: out = (script.text ?? []).length, reasoning = 0 } = script.usage ?? {};
  const usage = {
    input_tokens: input,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: out,
    output_tokens_details: { reasoning_tokens: reasoning },
    total_tokens: input + out,
  };
  push("response.completed", { response: responseObject(model, "completed", output, { usage }) });
  return events;
}

type Push = (type: string, data: Record<string, unknown>) => void;

function reasoningItem(parts: string[][], index: number, push: Push) {
  const id = `rs_test${index}`;
  push("response.output_item.added", { output_index: index, item: { id, type: "reasoning", summary: [] } });
  const summary: { type: "summary_text"; text: string }[] = [];
  for (const [summaryIndex, pieces] of parts.entries()) {
    const where = { item_id: id, output_index: index, summary_index: summaryIndex };
    push("response.reasoning_summary_part.added", { ...where, part: { type: "summary_text", text: "" } });
    for (const delta of pieces) push("response.reasoning_summary_text.delta", { ...where, delta });
    const text = pieces.join("");
    push("response.reasoning_summary_text.done", { ...where, text });
    push("response.reasoning_summary_part.done", { ...where, part: { type: "summary_text", text } });
    summary.push({ type: "summary_text", text });
  }
  const item = { id, type: "reasoning", summary };
  push("response.output_item.done", { output_index: index, item });
  return item;
}

function searchItem(query: string, index: number, push: Push) {
  const id = `ws_test${index}`;
  const action = { type: "search", query };
  push("response.output_item.added", {
    output_index: index,
    item: { id, type: "web_search_call", status: "in_progress", action },
  });
  for (const step of ["in_progress", "searching", "completed"]) {
    push(`response.web_search_call.${step}`, { item_id: id, output_index: index });
  }
  const item = { id, type: "web_search_call", status: "completed", action };
  push("response.output_item.done", { output_index: index, item });
  return item;
}

function messageItem(pieces: string[], sources: { url: string; title: string }[], index: number, push: Push) {
  const id = `msg_test${index}`;
  const where = { item_id: id, output_index: index, content_index: 0 };
  push("response.output_item.added", {
    output_index: index,
    item: { id, type: "message", status: "in_progress", role: "assistant", content: [] },
  });
  push("response.content_part.added", { ...where, part: { type: "output_text", text: "", annotations: [] } });
  for (const delta of pieces) push("response.output_text.delta", { ...where, delta, logprobs: [] });
  const text = pieces.join("");
  const annotations = sources.map((source, annotationIndex) => {
    const annotation = { type: "url_citation", start_index: text.length, end_index: text.length, ...source };
    push("response.output_text.annotation.added", { ...where, annotation_index: annotationIndex, annotation });
    return annotation;
  });
  push("response.output_text.done", { ...where, text, logprobs: [] });
  const part = { type: "output_text", text, annotations, logprobs: [] };
  push("response.content_part.done", { ...where, part });
  const item = { id, type: "message", status: "completed", role: "assistant", content: [part] };
  push("response.output_item.done", { output_index: index, item });
  return item;
}
