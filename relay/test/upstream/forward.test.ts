import { request } from "node:https";
import OpenAI, { APIError } from "openai";
import { describe, expect, it } from "vitest";

import { startRelayUnderTest, type RelayUnderTest } from "../support/relay-under-test.js";
import { useRelayWithFakeUpstream } from "../support/fixture.js";

const t = useRelayWithFakeUpstream();

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

  it("refuses a malformed Authorization header without echoing it", async () => {
    const res = await t.relay.fetch(`${t.relay.baseURL}/models`, {
      headers: { authorization: "Bearer sk-test with spaces" },
    });
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("invalid_authorization_header");
    expect(body.error.message).not.toContain("sk-test");
    expect(t.upstream.requests).toHaveLength(0);
  });

  it("refuses paths that climb out of /v1", async () => {
    // fetch would normalise the path before sending it; a raw request keeps it as an attacker would send it.
    for (const path of ["/v1/%2e%2e/admin", "/v1/../admin", "/v1/models/%2E%2E%2f..%2fx"]) {
      const { status, body } = await rawRequest(t.relay, path);
      expect(status, path).toBe(400);
      expect(JSON.parse(body).error.code).toBe("invalid_path");
    }
    expect(t.upstream.requests).toHaveLength(0);
  });
});

describe("the relay's own answers", () => {
  it("reports its health and version, and the largest body it accepts (--max-body)", async () => {
    const res = await t.relay.fetch(t.relay.baseURL.replace(/\/v1$/, "/health"));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: "ok",
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      limits: { maxBodyBytes: 50_000_000 },
    });
  });

  it("answers an unknown path with a 404 in OpenAI's error shape", async () => {
    const res = await t.relay.fetch(t.relay.baseURL.replace(/\/v1$/, "/v2/chat"));
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { code: string; message: string; type: string } };
    expect(body.error).toMatchObject({ code: "unknown_path", type: "passerelle_error" });
    expect(body.error.message).toContain("/v1");
  });

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

function rawRequest(under: RelayUnderTest, path: string): Promise<{ status: number; body: string }> {
  const headers = { authorization: "Bearer sk-test-raw", "x-passerelle-token": under.token };
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: under.relay.port, path, headers, ...under.tls }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}
