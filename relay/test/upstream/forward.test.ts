import OpenAI, { APIError, toFile, toStreamingFile } from "openai";
import { describe, expect, it } from "vitest";
import { speechBytes } from "../support/fake-endpoints.js";
import { OPENAI_HEADERS } from "../support/fake-upstream.js";
import { startRelayUnderTest } from "../support/relay-under-test.js";
import { sleep, useRelayWithFakeUpstream } from "../support/fixture.js";

const t = useRelayWithFakeUpstream();

const ask = { model: "gpt-4.1-mini", messages: [{ role: "user" as const, content: "x" }] };

describe("chat completions through the relay", () => {
  it("returns the upstream's JSON answer and forwards the caller's own key", async () => {
    const answer = await t.relay.client("sk-test-alice-1").chat.completions.create({
      model: "gpt-4.1-mini",
      messages: [{ role: "user", content: "Bonjour la passerelle" }],
    });
    expect(answer.choices[0]?.message.content).toBe("Echo: Bonjour la passerelle");
    expect(answer.model).toBe("gpt-4.1-mini");
    expect(t.upstream.requests).toHaveLength(1);
    expect(t.upstream.requests[0]?.headers.authorization).toBe("Bearer sk-test-alice-1");
    expect(t.upstream.requests[0]?.path).toBe("/v1/chat/completions");
    expect(JSON.parse(t.upstream.requests[0]!.body)).toMatchObject({
      model: "gpt-4.1-mini",
      messages: [{ role: "user", content: "Bonjour la passerelle" }],
    });
  });

  it("streams the answer chunk by chunk", async () => {
    t.upstream.options.words = ["Un", "deux", "trois", "quatre"];
    const stream = await t.relay.client("sk-test-alice-2").chat.completions.create({
      model: "gpt-4.1-mini",
      messages: [{ role: "user", content: "Compte" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const deltas: string[] = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      expect(chunk.object).toBe("chat.completion.chunk");
      const content = chunk.choices[0]?.delta.content;
      if (content) deltas.push(content);
      if (chunk.usage) usage = chunk.usage;
    }
    expect(deltas).toEqual(["Un", " deux", " trois", " quatre"]);
    expect(usage?.completion_tokens).toBe(4);
  });

  it("delivers the first chunk while the upstream is still holding the rest (no buffering)", async () => {
    t.upstream.options = { words: ["first", "second"], holdAfterFirstChunk: true };
    const stream = await t.relay.client("sk-test-alice-3").chat.completions.create({
      model: "gpt-4.1-mini",
      messages: [{ role: "user", content: "x" }],
      stream: true,
    });
    const seen: string[] = [];
    for await (const chunk of stream) {
      const content = chunk.choices[0]?.delta.content;
      if (!content) continue;
      seen.push(content);
      if (content === "first") {
        // The upstream has not finished: it waits for release() before sending anything else.
        expect(t.upstream.requests[0]?.finishedAt).toBeUndefined();
        t.upstream.release();
      }
    }
    expect(seen).toEqual(["first", " second"]);
    expect(t.upstream.requests[0]?.finishedAt).toBeDefined();
  });

  it("passes the upstream's 401 through as an AuthenticationError with OpenAI's code", async () => {
    const error = await t.relay
      .client("sk-test-bad-key-0000")
      .chat.completions.create({ model: "gpt-4.1-mini", messages: [{ role: "user", content: "x" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as APIError).status).toBe(401);
    expect((error as APIError).code).toBe("invalid_api_key");
    expect((error as APIError).requestID).toBe("req_fake_error");
  });

  it("passes an unknown model through as a NotFoundError (model_not_found)", async () => {
    const error = await t.relay
      .client("sk-test-alice-4")
      .chat.completions.create({ model: "no-such-model", messages: [{ role: "user", content: "x" }], stream: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as APIError).code).toBe("model_not_found");
  });

  it("passes a spent quota through as a RateLimitError (insufficient_quota)", async () => {
    const error = await t.relay
      .client("sk-test-broke-0001")
      .chat.completions.create({ model: "gpt-4.1-mini", messages: [{ role: "user", content: "x" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as APIError).code).toBe("insufficient_quota");
  });

  it("lists models with the caller's key", async () => {
    const models = await t.relay.client("sk-test-alice-5").models.list();
    expect(models.data.map((m) => m.id)).toEqual(["gpt-4.1-mini", "gpt-4.1"]);
    expect(t.upstream.requests[0]?.headers.authorization).toBe("Bearer sk-test-alice-5");
  });
});

describe("what the relay does not forward", () => {
  it("keeps its own device token and hop-by-hop headers from the upstream", async () => {
    const res = await t.relay.fetch(`${t.relay.baseURL}/models`, {
      headers: {
        authorization: "Bearer sk-test-alice-6",
        "x-passerelle-token": t.relay.token,
        "x-forwarded-for": "10.0.0.1",
        "openai-organization": "org-1",
      },
    });
    expect(res.status).toBe(200);
    const seen = t.upstream.requests[0]!.headers;
    expect(seen["x-passerelle-token"]).toBeUndefined();
    expect(seen["x-forwarded-for"]).toBeUndefined();
    expect(seen["openai-organization"]).toBe("org-1");
    expect(seen.host).toBe(new URL(t.upstream.baseURL).host);
  });
});

describe("the OpenAI API beyond chat, through the relay with the openai client", () => {
  it("streams a Responses answer as OpenAI's named events", async () => {
    t.upstream.options.words = ["Salut", "les", "Macs"];
    const stream = await t.relay.client("sk-test-resp-1").responses.create({
      model: "gpt-4.1-mini",
      input: "Dis bonjour",
      stream: true,
    });
    const types: string[] = [];
    let text = "";
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "response.output_text.delta") text += event.delta;
      if (event.type === "response.completed") expect(event.response.usage?.output_tokens).toBe(3);
    }
    expect(text).toBe("Salut les Macs");
    expect(types[0]).toBe("response.created");
    expect(types.filter((t) => t === "response.output_text.delta")).toHaveLength(3);
    expect(types.at(-1)).toBe("response.completed");
    expect(t.upstream.requests[0]?.headers.authorization).toBe("Bearer sk-test-resp-1");
  });

  it("returns a Responses answer as JSON when not streaming", async () => {
    const response = await t.relay.client("sk-test-resp-2").responses.create({ model: "gpt-4.1-mini", input: "x" });
    expect(response.output_text).toBe("Bonjour de la passerelle");
  });

  it("computes embeddings", async () => {
    const result = await t.relay.client("sk-test-emb-1").embeddings.create({
      model: "text-embedding-3-small",
      input: ["ab", "abcd"],
      encoding_format: "float",
    });
    expect(result.data.map((d) => d.embedding[0])).toEqual([2, 4]);
    expect(t.upstream.requests[0]?.path).toBe("/v1/embeddings");
  });

  it("lists models", async () => {
    const models = await t.relay.client("sk-test-models-1").models.list();
    expect(models.data.map((m) => m.id)).toContain("gpt-4.1-mini");
  });

  it("moderates", async () => {
    const result = await t.relay.client("sk-test-mod-1").moderations.create({ input: "I hate Mondays" });
    expect(result.results[0]?.flagged).toBe(true);
  });

  it("streams an 8 MB audio upload to the upstream while the caller is still sending it", async () => {
    const MB = 1024 * 1024;
    let reachedUpstreamEarly = false;
    async function* audio() {
      yield new Uint8Array(MB).fill(1);
      // Hold the other 7 MB until the upstream has seen the first bytes: a buffering relay would wait forever here.
      for (let waited = 0; waited < 3000 && t.upstream.requests[0]?.firstBodyByteAt === undefined; waited += 10) {
        await sleep(10);
      }
      reachedUpstreamEarly = t.upstream.requests[0]?.firstBodyByteAt !== undefined;
      for (let i = 0; i < 7; i++) yield new Uint8Array(MB).fill(2);
    }
    const result = await t.relay.client("sk-test-audio-1").audio.transcriptions.create({
      file: toStreamingFile(audio(), "lecture.wav", { type: "audio/wav" }),
      model: "whisper-1",
    });
    expect(reachedUpstreamEarly).toBe(true);
    expect(result.text).toBe(`Heard ${8 * MB} bytes of lecture.wav with whisper-1.`);
    expect(t.upstream.requests[0]?.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
  });

  it("streams speech back as binary audio, chunk by chunk", async () => {
    t.upstream.options = { words: ["a", "b", "c", "d"], holdAfterFirstChunk: true };
    const response = await t.relay.client("sk-test-speech-1").audio.speech.create({
      model: "gpt-4o-mini-tts",
      voice: "alloy",
      input: "Bonjour",
    });
    expect(response.headers.get("content-type")).toBe("audio/mpeg");
    const reader = response.body!.getReader();
    const parts: Uint8Array[] = [];
    const first = await reader.read();
    parts.push(first.value!);
    // The first 64 kB reached the caller while the upstream still holds the rest.
    expect(t.upstream.requests[0]?.finishedAt).toBeUndefined();
    t.upstream.release();
    for (let r = await reader.read(); !r.done; r = await reader.read()) parts.push(r.value);
    expect(Buffer.concat(parts).equals(speechBytes(4 * 64 * 1024))).toBe(true);
  });

  it("uploads, lists (with its query string), downloads and deletes files", async () => {
    const client = t.relay.client("sk-test-files-1");
    const content = '{"custom_id":"1"}\n';
    const created = await client.files.create({
      file: await toFile(Buffer.from(content), "batch.jsonl"),
      purpose: "batch",
    });
    expect(created).toMatchObject({ filename: "batch.jsonl", bytes: content.length, purpose: "batch" });
    const list = await client.files.list({ purpose: "batch" });
    expect(list.data.map((f) => f.id)).toEqual([created.id]);
    expect(t.upstream.requests[1]?.path).toBe("/v1/files?purpose=batch");
    const download = await client.files.content(created.id);
    expect(await download.text()).toBe(content);
    const deleted = await client.files.delete(created.id);
    expect(deleted.deleted).toBe(true);
    expect(t.upstream.requests.map((r) => r.method)).toEqual(["POST", "GET", "GET", "DELETE"]);
  });
});

describe("methods, queries and headers", () => {
  it("passes OpenAI's headers both ways", async () => {
    const client = t.relay.client("sk-test-head-1", { organization: "org-caller", project: "proj_caller" });
    const { response } = await client.chat.completions
      .create({ model: "gpt-4.1-mini", messages: [{ role: "user", content: "x" }] })
      .withResponse();
    for (const [name, value] of Object.entries(OPENAI_HEADERS)) expect(response.headers.get(name), name).toBe(value);
    expect(response.headers.get("x-request-id")).toBe("req_fake_json");
    const seen = t.upstream.requests[0]!.headers;
    expect(seen["openai-organization"]).toBe("org-caller");
    expect(seen["openai-project"]).toBe("proj_caller");
  });

  it("keeps the method and the query string exactly as sent", async () => {
    const answer = await t.relay.raw(
      "PATCH /v1/fine_tuning/jobs/ft-1?after=a%2Fb&limit=2&x= HTTP/1.1\r\nHost: relay\r\nAuthorization: Bearer sk-test-q\r\nContent-Length: 2\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{}",
    );
    expect(answer).toMatch(/^HTTP\/1\.1 404/);
    expect(t.upstream.requests[0]).toMatchObject({
      method: "PATCH",
      path: "/v1/fine_tuning/jobs/ft-1?after=a%2Fb&limit=2&x=",
    });
  });

  it("drops hop-by-hop headers in both directions", async () => {
    t.upstream.options.extraHeaders = { connection: "x-upstream-hop", "x-upstream-hop": "1", "x-kept": "yes" };
    const answer = await t.relay.raw(
      "GET /v1/models HTTP/1.1\r\nHost: relay\r\nAuthorization: Bearer sk-test-hop\r\nConnection: close, x-caller-hop\r\nX-Caller-Hop: 1\r\nTE: trailers\r\nKeep-Alive: timeout=5\r\nX-Kept: yes\r\n\r\n",
    );
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(answer.toLowerCase()).not.toContain("x-upstream-hop");
    expect(answer.toLowerCase()).toContain("x-kept: yes");
    const seen = t.upstream.requests[0]!.headers;
    expect(seen["x-caller-hop"]).toBeUndefined();
    expect(seen.te).toBeUndefined();
    expect(seen["keep-alive"]).toBeUndefined();
    expect(seen["x-kept"]).toBe("yes");
  });
});

describe("cancellation", () => {
  it("aborts the upstream request within 100 ms when the caller stops reading mid-stream", async () => {
    t.upstream.options = { words: Array.from({ length: 100 }, (_, i) => `w${i}`), chunkDelayMs: 20 };
    const stream = await t.relay.client("sk-test-abort-1").chat.completions.create({ ...ask, stream: true });
    let chunks = 0;
    let stoppedAt = 0;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content && ++chunks === 3) {
        stoppedAt = performance.now();
        break; // the SDK aborts its request, as Esc in Raycast does
      }
    }
    for (let i = 0; i < 50 && t.upstream.requests[0]?.abortedAt === undefined; i++) await sleep(10);
    const abortedAt = t.upstream.requests[0]?.abortedAt;
    expect(abortedAt).toBeDefined();
    expect(abortedAt! - stoppedAt).toBeLessThan(100);
    expect(t.upstream.requests[0]?.finishedAt).toBeUndefined();
  });

  it("logs a caller that leaves before the upstream answers as 499 caller_gone (client closed), not 404", async () => {
    t.upstream.options.firstByteDelayMs = 5_000;
    const patient = await startRelayUnderTest(t.upstream.baseURL); // no first-byte timeout to race with
    try {
      const leaving = new AbortController();
      const asked = patient.client("sk-test-leave-1").chat.completions.create(ask, { signal: leaving.signal });
      await expect.poll(() => t.upstream.requests.length).toBe(1);
      leaving.abort();
      await asked.catch(() => undefined);
      await expect.poll(() => patient.logs.length).toBe(1);
      expect(patient.logs[0]).toMatchObject({ path: "/v1/chat/completions", status: 499, failure: "caller_gone" });
      await expect.poll(() => t.upstream.requests[0]?.abortedAt).toBeDefined();
    } finally {
      await patient.relay.stop(100);
    }
  });
});
