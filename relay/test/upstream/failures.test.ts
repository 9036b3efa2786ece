import { APIError } from "openai";
import { describe, expect, it } from "vitest";

import { startRelayUnderTest } from "../support/relay-under-test.js";
import { useRelayWithFakeUpstream } from "../support/fixture.js";
import { unansweringListener } from "../support/unanswering-listener.js";

const timeouts = { connectMs: 300, firstByteMs: 300, idleMs: 300 };

const t = useRelayWithFakeUpstream({ timeouts });

const ask = { model: "gpt-4.1-mini", messages: [{ role: "user" as const, content: "x" }] };

describe("an upstream that cannot be reached", () => {
  it("says the upstream is unreachable, as an APIError a client understands", async () => {
    const down = await startRelayUnderTest("http://127.0.0.1:9/v1");
    try {
      const error = await down
        .client("sk-test-alice-8")
        .chat.completions.create({ model: "gpt-4.1-mini", messages: [{ role: "user", content: "x" }] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(APIError);
      expect((error as APIError).status).toBe(502);
      expect((error as APIError).code).toBe("upstream_unreachable");
      expect((error as APIError).message).toContain("could not reach 127.0.0.1:9");
    } finally {
      await down.relay.stop(100);
    }
  });
});

describe("time limits, each with its own OpenAI-shaped error", () => {
  it("first-byte timeout", async () => {
    t.upstream.options.firstByteDelayMs = 3000;
    const started = performance.now();
    const error = await t.relay
      .client("sk-test-slow-1")
      .chat.completions.create(ask)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect(error).toMatchObject({ status: 504, code: "upstream_first_byte_timeout" });
    expect((error as APIError).message).toContain("first-byte timeout");
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("idle timeout, mid-stream: the stream ends with an error event the client raises", async () => {
    t.upstream.options = { words: ["one", "two", "three"], chunkDelayMs: 2500 };
    const stream = await t.relay.client("sk-test-idle-1").chat.completions.create({ ...ask, stream: true });
    const seen: string[] = [];
    const error = await (async () => {
      for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? "");
    })().catch((e: unknown) => e);
    expect(seen).toContain("one");
    expect(error).toBeInstanceOf(APIError);
    expect(error).toMatchObject({ code: "upstream_idle_timeout" });
    expect((error as APIError).message).toContain("idle timeout");
  });

  it("connect timeout, against a loopback listener whose backlog is full", async () => {
    if (process.platform === "win32") return; // needs SIGSTOP
    const { port, child, fillers } = await unansweringListener();
    const stalled = await startRelayUnderTest(`http://127.0.0.1:${port}/v1`, { timeouts });
    try {
      const started = performance.now();
      const error = await stalled
        .client("sk-test-connect-1")
        .chat.completions.create(ask)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(APIError);
      expect(error).toMatchObject({ status: 504, code: "upstream_connect_timeout" });
      expect((error as APIError).message).toContain("connect timeout");
      expect(performance.now() - started).toBeLessThan(900);
    } finally {
      await stalled.relay.stop(100);
      for (const s of fillers) s.destroy();
      child.kill("SIGKILL");
    }
  });
});

describe("an upstream that cuts mid-stream", () => {
  it("ends the caller's stream with an error event, not a silent truncation", async () => {
    t.upstream.options = { words: ["one", "two", "three", "four"], cutAfterChunks: 2 };
    const stream = await t.relay.client("sk-test-cut-1").chat.completions.create({ ...ask, stream: true });
    const seen: string[] = [];
    const error = await (async () => {
      for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? "");
    })().catch((e: unknown) => e);
    expect(seen.join("")).toBe("one two");
    expect(error).toBeInstanceOf(APIError);
    expect(error).toMatchObject({ code: "upstream_closed" });
  });

  it("cuts a plain body the upstream cut, so the caller cannot mistake it for a whole answer", async () => {
    t.upstream.options = { words: ["a", "b", "c", "d"], cutAfterChunks: 2 };
    const response = await t.relay.client("sk-test-cut-2").audio.speech.create({
      model: "gpt-4o-mini-tts",
      voice: "alloy",
      input: "x",
    });
    await expect(response.arrayBuffer()).rejects.toThrow();
  });
});
