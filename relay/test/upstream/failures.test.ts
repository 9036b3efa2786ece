import { APIError } from "openai";
import { describe, expect, it } from "vitest";

import { startRelayUnderTest } from "../support/relay-under-test.js";
import { sleep, useRelayWithFakeUpstream } from "../support/fixture.js";
import { unansweringListener } from "../support/unanswering-listener.js";

const timeouts = { connectMs: 300, firstByteMs: 300, idleMs: 300 };

const t = useRelayWithFakeUpstream({ timeouts });

const ask = { model: "gpt-4.1-mini", messages: [{ role: "user" as const, content: "x" }] };

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
