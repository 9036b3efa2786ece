/**
 * The fake OpenAI's answers beyond chat: Responses (JSON and SSE events), embeddings, moderations,
 * audio transcription (multipart in), speech (binary out), files. Wire formats as OpenAI sends them.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

/** What a handler may use from the fake: the request's bytes and the stream controls. */
export interface EndpointContext {
  req: IncomingMessage;
  res: ServerResponse;
  body: Buffer;
  words: string[];
  /** Waits between chunks, as configured (or until `release()` after the first chunk). */
  pace(index: number): Promise<void>;
  /** Called once the whole answer was written. */
  finished(): void;
}

const now = () => Math.floor(Date.now() / 1000);

function json(res: ServerResponse, value: unknown, status = 200): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(value));
}

function event(type: string, data: Record<string, unknown>, sequence: number): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence, ...data })}\n\n`;
}

/** POST /v1/responses, streamed as OpenAI's named events or as one JSON object. */
export async function responses(ctx: EndpointContext): Promise<void> {
  const request = JSON.parse(ctx.body.toString("utf8")) as { model: string; stream?: boolean };
  const id = "resp_fake" + Date.now().toString(36);
  const itemId = "msg_fake1";
  const text = ctx.words.join(" ");
  const usage = {
    input_tokens: 5,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: ctx.words.length,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 5 + ctx.words.length,
  };
  const item = (status: string, content: unknown[]) => ({
    id: itemId,
    type: "message",
    status,
    content,
    role: "assistant",
  });
  const part = (t: string) => ({ type: "output_text", annotations: [], logprobs: [], text: t });
  const response = (status: string, output: unknown[], withUsage: boolean) => ({
    id,
    object: "response",
    created_at: now(),
    status,
    error: null,
    incomplete_details: null,
    instructions: null,
    model: request.model,
    output,
    parallel_tool_calls: true,
    temperature: 1,
    tool_choice: "auto",
    tools: [],
    top_p: 1,
    usage: withUsage ? usage : null,
  });
  if (!request.stream) {
    json(ctx.res, response("completed", [item("completed", [part(text)])], true));
    return ctx.finished();
  }
  const { res } = ctx;
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8" });
  let n = 0;
  res.write(event("response.created", { response: response("in_progress", [], false) }, n++));
  res.write(event("response.in_progress", { response: response("in_progress", [], false) }, n++));
  res.write(event("response.output_item.added", { output_index: 0, item: item("in_progress", []) }, n++));
  const where = { item_id: itemId, output_index: 0, content_index: 0 };
  res.write(event("response.content_part.added", { ...where, part: part("") }, n++));
  for (const [i, word] of ctx.words.entries()) {
    await ctx.pace(i);
    if (res.destroyed) return;
    res.write(event("response.output_text.delta", { ...where, delta: (i ? " " : "") + word, logprobs: [] }, n++));
  }
  res.write(event("response.output_text.done", { ...where, text, logprobs: [] }, n++));
  res.write(event("response.content_part.done", { ...where, part: part(text) }, n++));
  const done = item("completed", [part(text)]);
  res.write(event("response.output_item.done", { output_index: 0, item: done }, n++));
  res.end(event("response.completed", { response: response("completed", [done], true) }, n++));
  ctx.finished();
}

/** POST /v1/embeddings: one small vector per input, derived from its length. */
export function embeddings(ctx: EndpointContext): void {
  const request = JSON.parse(ctx.body.toString("utf8")) as { model: string; input: string | string[] };
  const inputs = Array.isArray(request.input) ? request.input : [request.input];
  json(ctx.res, {
    object: "list",
    data: inputs.map((input, index) => ({ object: "embedding", index, embedding: [input.length, 0.5, -0.25] })),
    model: request.model,
    usage: { prompt_tokens: inputs.length, total_tokens: inputs.length },
  });
  ctx.finished();
}

/** POST /v1/moderations: flags any input containing "hate". */
export function moderations(ctx: EndpointContext): void {
  const request = JSON.parse(ctx.body.toString("utf8")) as { model?: string; input: string };
  const flagged = String(request.input).includes("hate");
  json(ctx.res, {
    id: "modr-fake",
    model: request.model ?? "omni-moderation-latest",
    results: [
      {
        flagged,
        categories: { hate: flagged, violence: false },
        category_scores: { hate: flagged ? 0.9 : 0.01, violence: 0.01 },
        category_applied_input_types: { hate: ["text"], violence: ["text"] },
      },
    ],
  });
  ctx.finished();
}

/** The parts of a multipart/form-data body, by field name (enough for the SDK's uploads). */
export function multipartFields(req: IncomingMessage, body: Buffer): Map<string, { filename?: string; data: Buffer }> {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(req.headers["content-type"] ?? "");
  const fields = new Map<string, { filename?: string; data: Buffer }>();
  if (!boundary) return fields;
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    const part = body.subarray(start + delimiter.length + 2, next - 2);
    const split = part.indexOf("\r\n\r\n");
    const head = part.subarray(0, split).toString("utf8");
    const name = /name="([^"]*)"/.exec(head)?.[1];
    const filename = /filename="([^"]*)"/.exec(head)?.[1];
    if (name) fields.set(name, { ...(filename ? { filename } : {}), data: part.subarray(split + 4) });
    start = next;
  }
  return fields;
}

/** POST /v1/audio/transcriptions: says how many bytes of audio it heard. */
export function transcription(ctx: EndpointContext): void {
  const fields = multipartFields(ctx.req, ctx.body);
  const file = fields.get("file");
  if (!file || !fields.get("model")) {
    json(
      ctx.res,
      { error: { message: "file and model are required", type: "invalid_request_error", param: null, code: null } },
      400,
    );
    return ctx.finished();
  }
  json(ctx.res, {
    text: `Heard ${file.data.length} bytes of ${file.filename} with ${fields.get("model")!.data.toString("utf8")}.`,
    usage: { type: "duration", seconds: 1 },
  });
  ctx.finished();
}

/** The bytes of the fake speech: `size` bytes of a repeating pattern, the same on every call. */
export function speechBytes(size: number): Buffer {
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + 7) & 0xff;
  return out;
}

/** POST /v1/audio/speech: binary audio, sent in one chunk per word (64 kB each). */
export async function speech(ctx: EndpointContext): Promise<void> {
  const { res } = ctx;
  const chunk = 64 * 1024;
  const audio = speechBytes(chunk * ctx.words.length);
  res.writeHead(200, { "content-type": "audio/mpeg", "transfer-encoding": "chunked" });
  for (let i = 0; i < ctx.words.length; i++) {
    await ctx.pace(i);
    if (res.destroyed) return;
    res.write(audio.subarray(i * chunk, (i + 1) * chunk));
  }
  res.end();
  ctx.finished();
}

interface FakeFile {
  id: string;
  object: "file";
  bytes: number;
  created_at: number;
  filename: string;
  purpose: string;
  status: "processed";
  data: Buffer;
}

/** /v1/files and /v1/files/{id}[/content]: an in-memory store per fake upstream. */
export function filesEndpoint(): (ctx: EndpointContext, path: string) => boolean {
  const files = new Map<string, FakeFile>();
  const view = ({ data: _data, ...file }: FakeFile) => file;
  return (ctx, path) => {
    const method = ctx.req.method;
    const [, , , id, content] = path.split("/"); // "", "v1", "files", id, "content"
    if (method === "POST" && !id) {
      const fields = multipartFields(ctx.req, ctx.body);
      const file = fields.get("file")?.data ?? Buffer.alloc(0);
      const created: FakeFile = {
        id: `file-fake${files.size + 1}`,
        object: "file",
        bytes: file.length,
        created_at: now(),
        filename: fields.get("file")?.filename ?? "upload",
        purpose: fields.get("purpose")?.data.toString("utf8") ?? "",
        status: "processed",
        data: file,
      };
      files.set(created.id, created);
      json(ctx.res, view(created));
    } else if (method === "GET" && !id) {
      const purpose = new URL(ctx.req.url ?? "/", "http://x").searchParams.get("purpose");
      const list = [...files.values()].filter((f) => !purpose || f.purpose === purpose).map(view);
      json(ctx.res, { object: "list", data: list, has_more: false, first_id: null, last_id: null });
    } else if (!id || !files.has(id)) {
      return false;
    } else if (method === "GET" && content === "content") {
      ctx.res.writeHead(200, { "content-type": "application/octet-stream" });
      ctx.res.end(files.get(id)!.data);
    } else if (method === "GET") {
      json(ctx.res, view(files.get(id)!));
    } else if (method === "DELETE") {
      files.delete(id);
      json(ctx.res, { id, object: "file", deleted: true });
    } else {
      return false;
    }
    ctx.finished();
    return true;
  };
}
