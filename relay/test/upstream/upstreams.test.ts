import { APIError, toStreamingFile } from "openai";
import { describe, expect, it } from "vitest";

import { startRelayUnderTest } from "../support/relay-under-test.js";
import { sleep, useRelayWithFakeUpstream } from "../support/fixture.js";

const limits = { maxBodyBytes: 1_000_000, maxConcurrent: 120, headersMs: 500 };

const t = useRelayWithFakeUpstream({ limits });

describe("many callers, many keys", () => {
  it("gives 100 concurrent callers with 100 keys each their own answer, each upstream request its own key", async () => {
    t.upstream.options.chunkDelayMs = 5; // interleave the streams
    const callers = Array.from({ length: 100 }, (_, i) => String(i).padStart(3, "0"));
    const answers = await Promise.all(
      callers.map(async (n) => {
        const stream = await t.relay.client(`sk-test-caller-${n}`).chat.completions.create({
          model: "gpt-4.1-mini",
          messages: [{ role: "user", content: `caller ${n}` }],
          stream: true,
        });
        let text = "";
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
        return text;
      }),
    );
    expect(answers).toEqual(callers.map((n) => `Echo: caller ${n}`));
    expect(t.upstream.requests).toHaveLength(100);
    for (const request of t.upstream.requests) {
      const asked = (JSON.parse(request.body) as { messages: Array<{ content: string }> }).messages[0]!.content;
      expect(request.headers.authorization).toBe(`Bearer sk-test-${asked.replace(" ", "-")}`);
    }
  });
});

describe("limits, each with a clear OpenAI-shaped error", () => {
  it("refuses a body announced larger than --max-body with a 413, without calling the upstream", async () => {
    const error = await t.relay
      .client("sk-test-big-1")
      .embeddings.create({ model: "text-embedding-3-small", input: "x".repeat(1_100_000) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect(error).toMatchObject({ status: 413, code: "request_too_large" });
    expect((error as APIError).message).toContain("--max-body");
    expect(t.upstream.requests).toHaveLength(0);
  });

  it("stops a streamed upload at --max-body: the upstream request is cut, never completed", async () => {
    async function* endless() {
      for (let i = 0; i < 8; i++) yield new Uint8Array(256 * 1024);
    }
    const error = await t.relay
      .client("sk-test-big-2")
      .audio.transcriptions.create({ file: toStreamingFile(endless(), "long.wav"), model: "whisper-1" })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 413, code: "request_too_large" });
    for (let i = 0; i < 50 && t.upstream.requests[0]?.abortedAt === undefined; i++) await sleep(10);
    expect(t.upstream.requests[0]?.finishedAt).toBeUndefined();
  });

  it("answers 503 relay_busy beyond --max-concurrent, and serves again once requests end", async () => {
    const busy = await startRelayUnderTest(t.upstream.baseURL, { limits: { ...limits, maxConcurrent: 2 } });
    try {
      t.upstream.options = { words: ["a", "b"], holdAfterFirstChunk: true };
      const held = await Promise.all(
        [1, 2].map(() =>
          busy.client("sk-test-busy-1").chat.completions.create({
            model: "gpt-4.1-mini",
            messages: [{ role: "user", content: "x" }],
            stream: true,
          }),
        ),
      );
      const error = await busy
        .client("sk-test-busy-2")
        .models.list()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(APIError);
      expect(error).toMatchObject({ status: 503, code: "relay_busy" });
      expect((error as APIError).headers?.get("retry-after")).toBe("1");
      t.upstream.release();
      for (const stream of held) for await (const chunk of stream) void chunk;
      await expect(busy.client("sk-test-busy-3").models.list()).resolves.toBeDefined();
    } finally {
      await busy.relay.stop(100);
    }
  });

  it("closes the connection of a client that does not finish its request headers in time", async () => {
    const started = performance.now();
    const answer = await t.relay.raw(
      "GET /v1/models HTTP/1.1\r\nHost: relay\r\nAuthorization: Bearer sk-test-slow",
      5000,
    );
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(2500);
    expect(answer === "" || answer.startsWith("HTTP/1.1 408")).toBe(true);
    expect(t.upstream.requests).toHaveLength(0);
  });
});
