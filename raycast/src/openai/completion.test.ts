import { APIError, APIUserAbortError, AuthenticationError } from "openai";
import { describe, expect, it } from "vitest";
import { errorResponse, fakeFetch, sseAnswer, sseResponse } from "../../test/fake-openai";
import { responseEvents } from "../../test/fake-responses";
import { streamCompletion } from "./completion";
import { createRelayClient } from "../relay/transport";

const connection = { address: "192.168.1.20:8787", scheme: "http" as const, deviceToken: "tok-1" };

describe("streamCompletion through the Responses API (OpenAI's models)", () => {
  it("posts to the relay's /v1/responses with the key and token, store: false, and streams the text", async () => {
    const { fetch, requests } = fakeFetch(() =>
      sseResponse(responseEvents({ text: ["Bon", "jour", " !"], model: "gpt-4.1-mini-2025-04-14" })),
    );
    const client = createRelayClient(connection, "sk-test-2", { fetch });
    const seen: string[] = [];
    const result = await streamCompletion(
      client,
      {
        model: "gpt-4.1-mini",
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "Salut" },
        ],
      },
      (text) => seen.push(text),
    );
    expect(seen).toEqual(["Bon", "jour", " !"]);
    expect(result).toMatchObject({
      text: "Bonjour !",
      model: "gpt-4.1-mini-2025-04-14",
      usage: { prompt: 12, completion: 3 },
      finishReason: "stop",
      reasoning: "",
      sources: [],
    });
    expect(result.firstTextMs).toBeGreaterThanOrEqual(0);
    expect(requests[0].url).toBe("http://192.168.1.20:8787/v1/responses");
    expect(requests[0].headers.get("authorization")).toBe("Bearer sk-test-2");
    expect(requests[0].headers.get("x-passerelle-token")).toBe("tok-1");
    expect(requests[0].body).toEqual({
      model: "gpt-4.1-mini",
      instructions: "Be brief.",
      input: [{ role: "user", content: "Salut" }],
      stream: true,
      store: false,
    });
  });

  it("streams a reasoning model's summary apart from its answer, with the effort asked and the reasoning tokens", async () => {
    const { fetch, requests } = fakeFetch(() =>
      sseResponse(
        responseEvents({
          model: "o4-mini",
          reasoning: [["Comparing ", "the two."], ["Checking units."]],
          text: ["42."],
          usage: { input: 20, output: 300, reasoning: 256 },
        }),
      ),
    );
    const client = createRelayClient(connection, "sk-test-2", { fetch });
    const order: string[] = [];
    const result = await streamCompletion(
      client,
      { model: "o4-mini", messages: [{ role: "user", content: "?" }], reasoningEffort: "high", temperature: 0.3 },
      { reasoning: (delta) => order.push(`r:${delta}`), text: (delta) => order.push(`t:${delta}`) },
    );
    expect(order).toEqual(["r:Comparing ", "r:the two.", "r:\n\n", "r:Checking units.", "t:42."]);
    expect(result.reasoning).toBe("Comparing the two.\n\nChecking units.");
    expect(result.usage).toEqual({ prompt: 20, completion: 300, reasoning: 256 });
    expect(requests[0].body.reasoning).toEqual({ effort: "high", summary: "auto" });
    expect(requests[0].body).not.toHaveProperty("temperature");
  });

  it("asks for web search and hands on the search and its sources, numbered once each", async () => {
    const sources = [
      { url: "https://example.org/a", title: "A" },
      { url: "https://example.org/b", title: "B" },
    ];
    const { fetch, requests } = fakeFetch(() =>
      sseResponse(responseEvents({ search: { query: "news today", sources }, text: ["Here."] })),
    );
    const client = createRelayClient(connection, "sk-test-2", { fetch });
    const searched: (string | undefined)[] = [];
    const numbered: string[] = [];
    const result = await streamCompletion(
      client,
      { model: "gpt-4.1", messages: [{ role: "user", content: "News?" }], webSearch: true },
      { searching: (query) => searched.push(query), source: (source, n) => numbered.push(`${n} ${source.url}`) },
    );
    expect(requests[0].body.tools).toEqual([{ type: "web_search" }]);
    expect(searched).toEqual(["news today"]);
    // Cited once as the text streams and again in the finished message: each page is numbered once.
    expect(numbered).toEqual(["1 https://example.org/a", "2 https://example.org/b"]);
    expect(result.sources).toEqual(sources);
  });

  it("raises the upstream's failure from response.failed as the client's APIError, with its message", async () => {
    const { fetch } = fakeFetch(() =>
      sseResponse(responseEvents({ fail: { code: "invalid_image", message: "The image could not be read." } })),
    );
    const client = createRelayClient(connection, "sk-test-2", { fetch });
    const failure = await streamCompletion(client, { model: "gpt-4.1", messages: [] }, () => undefined).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(APIError);
    expect(failure).toMatchObject({ code: "invalid_image", message: "The image could not be read." });
  });

  it("raises the client's error class for an upstream error", async () => {
    const { fetch } = fakeFetch(() =>
      errorResponse(401, { message: "Incorrect API key", type: "invalid_request_error", code: "invalid_api_key" }),
    );
    const client = createRelayClient(connection, "sk-test-2", { fetch, maxRetries: 0 });
    await expect(streamCompletion(client, { model: "gpt-4.1", messages: [] }, () => undefined)).rejects.toBeInstanceOf(
      AuthenticationError,
    );
  });
});

describe("streamCompletion through Chat Completions (a server on the PC)", () => {
  it("posts to /v1/chat/completions with usage asked, and streams the pieces and a local reasoning field", async () => {
    const reasoningChunk = `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 1, model: "qwen3", choices: [{ index: 0, delta: { reasoning_content: "Hmm." }, finish_reason: null }] })}\n\n`;
    const { fetch, requests } = fakeFetch(() => sseResponse([reasoningChunk, ...sseAnswer(["Bon", "jour"], "qwen3")]));
    const client = createRelayClient(connection, "sk-test-2", { fetch });
    const seen: string[] = [];
    const result = await streamCompletion(
      client,
      { model: "qwen3", messages: [{ role: "user", content: "Salut" }], temperature: 0.3, api: "chat" },
      { text: (text) => seen.push(text) },
    );
    expect(seen).toEqual(["Bon", "jour"]);
    expect(result).toMatchObject({ text: "Bonjour", reasoning: "Hmm.", model: "qwen3", finishReason: "stop" });
    expect(requests[0].url).toBe("http://192.168.1.20:8787/v1/chat/completions");
    expect(requests[0].body).toEqual({
      model: "qwen3",
      messages: [{ role: "user", content: "Salut" }],
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.3,
    });
  });

  it("takes a model the PC serves to Chat Completions by its name", async () => {
    const { fetch, requests } = fakeFetch(() => sseResponse(sseAnswer(["ok"], "llama3.2:3b")));
    const client = createRelayClient(connection, "sk-test-2", { fetch });
    await streamCompletion(client, { model: "llama3.2:3b", messages: [] }, () => undefined);
    expect(requests[0].url).toMatch(/\/v1\/chat\/completions$/);
  });

  it("stops reading when aborted, keeping what arrived", async () => {
    const controller = new AbortController();
    async function* endless() {
      yield sseAnswer([])[0];
      for (let i = 0; ; i++) {
        yield `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta: { content: `${i} ` }, finish_reason: null }] })}\n\n`;
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    }
    const { fetch } = fakeFetch(() => sseResponse(endless()));
    const client = createRelayClient(connection, "sk-test-2", { fetch });
    const seen: string[] = [];
    const run = streamCompletion(
      client,
      { model: "m", messages: [], api: "chat" },
      (text) => {
        seen.push(text);
        if (seen.length === 5) controller.abort();
      },
      controller.signal,
    );
    await expect(run).rejects.toBeInstanceOf(APIUserAbortError);
    expect(seen).toEqual(["0 ", "1 ", "2 ", "3 ", "4 "]);
  });
});
