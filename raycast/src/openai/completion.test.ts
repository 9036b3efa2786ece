import { describe, expect, it } from "vitest";
import { errorResponse, fakeFetch, sseAnswer, sseResponse } from "../../test/fake-openai";
import { buildChatBody, streamCompletion } from "./completion";
import { createRelayClient } from "../relay/transport";
import { APIUserAbortError, AuthenticationError } from "openai";

const connection = { address: "192.168.1.20:8787", scheme: "http" as const, deviceToken: "tok-1" };

describe("buildChatBody", () => {
  it("asks for a stream with usage and keeps the temperature for models that take it", () => {
    expect(
      buildChatBody({ model: "gpt-4.1-mini", messages: [{ role: "user", content: "hi" }], temperature: 0.3 }),
    ).toEqual({
      model: "gpt-4.1-mini",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.3,
    });
  });

  it("leaves the temperature out for reasoning models", () => {
    expect(buildChatBody({ model: "o3-mini", messages: [], temperature: 0.3 })).not.toHaveProperty("temperature");
  });
});

describe("streamCompletion", () => {
  it("sends the request to the relay's /v1 with the key and token, and streams the pieces in order", async () => {
    const { fetch, requests } = fakeFetch(() =>
      sseResponse(sseAnswer(["Bon", "jour", " !"], "gpt-4.1-mini-2025-04-14")),
    );
    const client = createRelayClient(connection, "sk-test-2", { fetch });
    const seen: string[] = [];
    const result = await streamCompletion(
      client,
      { model: "gpt-4.1-mini", messages: [{ role: "user", content: "Salut" }] },
      (text) => seen.push(text),
    );
    expect(seen).toEqual(["Bon", "jour", " !"]);
    expect(result).toEqual({
      text: "Bonjour !",
      model: "gpt-4.1-mini-2025-04-14",
      usage: { prompt: 12, completion: 3 },
      finishReason: "stop",
    });
    expect(requests).toHaveLength(1);
    expect(requests[0].url).toBe("http://192.168.1.20:8787/v1/chat/completions");
    expect(requests[0].headers.get("authorization")).toBe("Bearer sk-test-2");
    expect(requests[0].headers.get("x-passerelle-token")).toBe("tok-1");
    expect(requests[0].body).toMatchObject({ model: "gpt-4.1-mini", stream: true });
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
      { model: "m", messages: [] },
      (text) => {
        seen.push(text);
        if (seen.length === 5) controller.abort();
      },
      controller.signal,
    );
    await expect(run).rejects.toBeInstanceOf(APIUserAbortError);
    expect(seen).toEqual(["0 ", "1 ", "2 ", "3 ", "4 "]);
  });

  it("raises the client's error class for an upstream error", async () => {
    const { fetch } = fakeFetch(() =>
      errorResponse(401, { message: "Incorrect API key", type: "invalid_request_error", code: "invalid_api_key" }),
    );
    const client = createRelayClient(connection, "sk-test-2", { fetch, maxRetries: 0 });
    await expect(streamCompletion(client, { model: "m", messages: [] }, () => undefined)).rejects.toBeInstanceOf(
      AuthenticationError,
    );
  });
});
