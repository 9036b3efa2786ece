/** Builders for OpenAI's exact wire format, to feed the official client through an injected `fetch`. */

/** One `chat.completion.chunk` event line, as OpenAI sends it. */
export function chunkEvent(content: string | null, options: { model?: string; finish?: string | null } = {}): string {
  const chunk = {
    id: "chatcmpl-test",
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model: options.model ?? "gpt-4.1-mini",
    choices: [
      {
        index: 0,
        delta: content === null ? {} : { content },
        finish_reason: options.finish ?? null,
      },
    ],
  };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

/** The last event when `stream_options.include_usage` is set: no choices, only usage. */
export function usageEvent(prompt: number, completion: number, model = "gpt-4.1-mini"): string {
  const chunk = {
    id: "chatcmpl-test",
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model,
    choices: [],
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

/** The SSE body of a whole streamed answer made of `pieces`. */
export function sseAnswer(pieces: string[], model = "gpt-4.1-mini"): string[] {
  return [
    `data: ${JSON.stringify({ id: "chatcmpl-test", object: "chat.completion.chunk", created: 1_700_000_000, model, choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] })}\n\n`,
    ...pieces.map((piece) => chunkEvent(piece, { model })),
    chunkEvent(null, { model, finish: "stop" }),
    usageEvent(12, pieces.length, model),
    "data: [DONE]\n\n",
  ];
}

/** A streaming `Response` whose body yields the given events (as the relay would forward them). */
export function sseResponse(events: Iterable<string> | AsyncIterable<string>): Response {
  const encoder = new TextEncoder();
  const iterator =
    Symbol.asyncIterator in events
      ? (events as AsyncIterable<string>)[Symbol.asyncIterator]()
      : (events as Iterable<string>)[Symbol.iterator]();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  return new Response(stream, { status: 200, headers: { "content-type": "text/event-stream" } });
}

/** An OpenAI error response, with the body OpenAI sends. */
export function errorResponse(
  status: number,
  error: { message: string; type: string; code: string | null },
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify({ error: { ...error, param: null } }), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/** What a fake relay recorded of one request. */
export interface RecordedRequest {
  url: string;
  headers: Headers;
  body: Record<string, unknown>;
}

/** An injected `fetch` answering every call with `respond`, recording the requests. */
export function fakeFetch(respond: (request: RecordedRequest, signal?: AbortSignal) => Response | Promise<Response>) {
  const requests: RecordedRequest[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const headers = new Headers(init?.headers);
    const raw = init?.body;
    const text = typeof raw === "string" ? raw : raw instanceof Uint8Array ? Buffer.from(raw).toString("utf8") : "";
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    const request = { url, headers, body };
    requests.push(request);
    return respond(request, init?.signal ?? undefined);
  };
  return { fetch, requests };
}
