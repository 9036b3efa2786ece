/**
 * A local stand-in for OpenAI's API, speaking its exact wire format: JSON answers, SSE
 * `chat.completion.chunk` events ending with `data: [DONE]`, Responses events, and OpenAI's error bodies.
 *
 * Behaviour is chosen by the request, as with the real API:
 * - key `sk-test-bad…` → 401 invalid_api_key (the message echoes part of the key, as OpenAI's does)
 * - key `sk-test-broke…` → 429 insufficient_quota
 * - model `no-such-model` → 404 model_not_found
 * - otherwise the answer is `words` (or `Echo: <last user message>` when `echo` is set), split in chunks.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { embeddings, filesEndpoint, moderations, responses, speech, transcription } from "./fake-endpoints.js";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
  rawBody: Buffer;
  /** When the first byte of the request body arrived (performance.now()). */
  firstBodyByteAt?: number;
  /** Set when the caller (the relay) closed the connection before the answer was complete. */
  abortedAt?: number;
  finishedAt?: number;
}

export interface FakeUpstreamOptions {
  /** Words of the answer, one per stream chunk. */
  words?: string[];
  /** Pause before each chunk after the first, in ms. */
  chunkDelayMs?: number;
  /** When set, the stream stops after the first chunk until `release()` is called. */
  holdAfterFirstChunk?: boolean;
  /** Wait this long before answering at all (to trip a first-byte timeout). */
  firstByteDelayMs?: number;
  /** Destroy the connection after this many content chunks, mid-answer. */
  cutAfterChunks?: number;
  /** Answer every request with a 307 redirect to this URL. */
  redirectTo?: string;
  /** Model ids listed by GET /v1/models. */
  modelIds?: string[];
  /** Serve without any key, as a local model server (Ollama, LM Studio) does. */
  keyless?: boolean;
  /** Headers added to every answer. */
  extraHeaders?: Record<string, string>;
}

/** Headers OpenAI sends with every answer; the relay must pass them back unchanged. */
export const OPENAI_HEADERS = {
  "openai-organization": "org-fake",
  "openai-project": "proj_fake",
  "openai-version": "2020-10-01",
  "x-ratelimit-limit-requests": "5000",
  "x-ratelimit-remaining-requests": "4999",
  "x-ratelimit-reset-requests": "12ms",
  "x-ratelimit-limit-tokens": "2000000",
  "x-ratelimit-remaining-tokens": "1999990",
  "x-ratelimit-reset-tokens": "0s",
};

export interface FakeUpstream {
  /** Base URL, like `https://api.openai.com/v1`. */
  baseURL: string;
  requests: RecordedRequest[];
  options: FakeUpstreamOptions;
  /** Lets held streams continue, and those that reach their hold later, until `options` is replaced. */
  release(): void;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function sendError(res: ServerResponse, status: number, message: string, type: string, code: string | null) {
  res.writeHead(status, { "content-type": "application/json", "x-request-id": "req_fake_error" });
  res.end(JSON.stringify({ error: { message, type, param: null, code } }, null, 2));
}

function keyOf(req: IncomingMessage): string {
  return (req.headers.authorization ?? "").replace(/^Bearer /, "");
}

/** Answers 401/429/404 as OpenAI does; returns true when it did. */
function refused(req: IncomingMessage, res: ServerResponse, model: string | undefined, keyless = false): boolean {
  const key = keyOf(req);
  if (keyless) return false;
  if (!key) {
    sendError(
      res,
      401,
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
      "invalid_request_error",
      null,
    );
    return true;
  }
  if (key.startsWith("sk-test-bad")) {
    const shown = `${key.slice(0, 8)}${"*".repeat(10)}${key.slice(-4)}`;
    sendError(
      res,
      401,
      `Incorrect API key provided: ${shown}. You can find your API key at https://platform.openai.com/account/api-keys.`,
      "invalid_request_error",
      "invalid_api_key",
    );
    return true;
  }
  if (key.startsWith("sk-test-broke")) {
    sendError(
      res,
      429,
      "You exceeded your current quota, please check your plan and billing details.",
      "insufficient_quota",
      "insufficient_quota",
    );
    return true;
  }
  if (model === "no-such-model") {
    sendError(
      res,
      404,
      `The model \`${model}\` does not exist or you do not have access to it.`,
      "invalid_request_error",
      "model_not_found",
    );
    return true;
  }
  return false;
}

export async function startFakeUpstream(initial: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  const requests: RecordedRequest[] = [];
  // Tests replace `fake.options` between cases; every handler reads it afresh.
  const fake = { options: initial } as FakeUpstream;
  let waiting: Array<() => void> = [];
  /** The options a release was given for: new options (the next test's) hold again. */
  let releasedFor: FakeUpstreamOptions | undefined;
  const gate = () =>
    releasedFor === fake.options ? Promise.resolve() : new Promise<void>((resolve) => waiting.push(resolve));
  const files = filesEndpoint();

  /** Paces chunk `i` of an answer as the options say; may cut the connection instead. */
  async function pace(res: ServerResponse, i: number): Promise<void> {
    if (i === fake.options.cutAfterChunks) {
      await sleep(20); // let the chunks already written leave, then cut
      res.socket?.destroy();
      return;
    }
    if (i === 1 && fake.options.holdAfterFirstChunk) await gate();
    else if (i > 0 && fake.options.chunkDelayMs) await sleep(fake.options.chunkDelayMs);
  }

  async function streamChat(
    res: ServerResponse,
    record: RecordedRequest,
    model: string,
    words: string[],
    includeUsage: boolean,
  ) {
    const id = "chatcmpl-fake" + requests.length;
    const created = Math.floor(Date.now() / 1000);
    const chunk = (delta: object, finish: string | null) =>
      `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, system_fingerprint: "fp_fake", choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "x-request-id": `req_${id}`,
      "openai-processing-ms": "5",
    });
    res.write(chunk({ role: "assistant", content: "", refusal: null }, null));
    for (const [i, word] of words.entries()) {
      await pace(res, i);
      if (res.destroyed) return;
      res.write(chunk({ content: (i ? " " : "") + word }, null));
    }
    res.write(chunk({}, "stop"));
    if (includeUsage) {
      res.write(
        `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [], usage: { prompt_tokens: 5, completion_tokens: words.length, total_tokens: 5 + words.length } })}\n\n`,
      );
    }
    res.end("data: [DONE]\n\n");
    record.finishedAt = performance.now();
  }

  async function chat(req: IncomingMessage, res: ServerResponse, record: RecordedRequest) {
    const body = JSON.parse(record.body) as {
      model: string;
      stream?: boolean;
      messages: Array<{ content: string }>;
      stream_options?: { include_usage?: boolean };
    };
    if (refused(req, res, body.model, fake.options.keyless)) return;
    const last = body.messages.at(-1)?.content ?? "";
    const words = fake.options.words ?? `Echo: ${last}`.split(" ");
    if (body.stream) return streamChat(res, record, body.model, words, body.stream_options?.include_usage === true);
    res.writeHead(200, { "content-type": "application/json", "x-request-id": "req_fake_json" });
    res.end(
      JSON.stringify({
        id: "chatcmpl-fake",
        object: "chat.completion",
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [
          {
            index: 0,
            message: { role: "assistant", content: words.join(" "), refusal: null },
            logprobs: null,
            finish_reason: "stop",
          },
        ],
        usage: { prompt_tokens: 5, completion_tokens: words.length, total_tokens: 5 + words.length },
      }),
    );
    record.finishedAt = performance.now();
  }

  function models(req: IncomingMessage, res: ServerResponse) {
    if (refused(req, res, undefined, fake.options.keyless)) return;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        object: "list",
        data: (fake.options.modelIds ?? ["gpt-4.1-mini", "gpt-4.1"]).map((id) => ({
          id,
          object: "model",
          created: 1744316542,
          owned_by: "system",
        })),
      }),
    );
  }

  const server: Server = createServer((req, res) => {
    const record: RecordedRequest = {
      method: req.method ?? "",
      path: req.url ?? "",
      headers: req.headers,
      body: "",
      rawBody: Buffer.alloc(0),
    };
    requests.push(record);
    res.on("close", () => {
      if (!res.writableFinished) record.abortedAt = performance.now();
    });
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => {
      record.firstBodyByteAt ??= performance.now();
      chunks.push(c);
    });
    req.on("end", async () => {
      record.rawBody = Buffer.concat(chunks);
      record.body = record.rawBody.toString("utf8");
      for (const [name, value] of Object.entries({ ...OPENAI_HEADERS, ...fake.options.extraHeaders })) {
        res.setHeader(name, value);
      }
      res.setHeader("x-request-id", `req_fake${requests.length}`);
      if (fake.options.firstByteDelayMs) await sleep(fake.options.firstByteDelayMs);
      if (res.destroyed) return;
      if (fake.options.redirectTo) {
        res.writeHead(307, { location: fake.options.redirectTo }).end();
        return;
      }
      const path = (req.url ?? "").split("?")[0] ?? "";
      const ctx = {
        req,
        res,
        body: record.rawBody,
        words: fake.options.words ?? ["Bonjour", "de", "la", "passerelle"],
        pace: (i: number) => pace(res, i),
        finished: () => void (record.finishedAt = performance.now()),
      };
      const model = req.headers["content-type"]?.startsWith("application/json")
        ? (JSON.parse(record.body) as { model?: string }).model
        : undefined;
      if (req.method === "POST" && path !== "/v1/chat/completions" && refused(req, res, model, fake.options.keyless))
        return;
      if (req.method === "POST" && path === "/v1/chat/completions") void chat(req, res, record);
      else if (req.method === "GET" && path === "/v1/models") models(req, res);
      else if (req.method === "POST" && path === "/v1/responses") void responses(ctx);
      else if (req.method === "POST" && path === "/v1/embeddings") embeddings(ctx);
      else if (req.method === "POST" && path === "/v1/moderations") moderations(ctx);
      else if (req.method === "POST" && path === "/v1/audio/transcriptions") transcription(ctx);
      else if (req.method === "POST" && path === "/v1/audio/speech") void speech(ctx);
      else if (path.startsWith("/v1/files") && files(ctx, path)) return;
      else sendError(res, 404, `Invalid URL (${req.method} ${path})`, "invalid_request_error", null);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return Object.assign(fake, {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    release() {
      releasedFor = fake.options;
      for (const resolve of waiting) resolve();
      waiting = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
