import { request } from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import type { RelayUnderTest } from "../support/relay-under-test.js";
import { useRelayWithFakeUpstream } from "../support/fixture.js";

const t = useRelayWithFakeUpstream();

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
});

describe("what the relay refuses before forwarding", () => {
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

describe("the relay calls its upstream and no other host", () => {
  let evil: FakeUpstream;
  beforeAll(async () => {
    evil = await startFakeUpstream();
  });
  afterAll(() => evil.close());

  it("does not follow an upstream redirect: the caller gets a 502 and the target nothing", async () => {
    t.upstream.options.redirectTo = `${evil.baseURL}/chat/completions`;
    const error = await t.relay
      .client("sk-test-redirect-1")
      .chat.completions.create({ model: "gpt-4.1-mini", messages: [{ role: "user", content: "x" }] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 502, code: "upstream_redirect" });
    expect(evil.requests).toHaveLength(0);
  });

  it("sends absolute-form targets, Host changes, //host paths and encoded tricks nowhere but its upstream", async () => {
    const evilHost = new URL(evil.baseURL).host;
    const head = "Authorization: Bearer sk-test-evil\r\nConnection: close\r\n\r\n";
    const attempts = [
      `GET http://${evilHost}/v1/models HTTP/1.1\r\nHost: ${evilHost}\r\n${head}`,
      `GET /v1/models HTTP/1.1\r\nHost: ${evilHost}\r\nX-Forwarded-Host: ${evilHost}\r\nForwarded: host=${evilHost}\r\n${head}`,
      `GET //${evilHost}/v1/models HTTP/1.1\r\nHost: relay\r\n${head}`,
      `GET /v1//${evilHost}/v1/models HTTP/1.1\r\nHost: relay\r\n${head}`,
      `GET /v1/%2F%2F${evilHost}/v1/models HTTP/1.1\r\nHost: relay\r\n${head}`,
      `GET /v1/%252e%252e/%252e%252e/models HTTP/1.1\r\nHost: relay\r\n${head}`,
      `GET /v1@${evilHost}/models HTTP/1.1\r\nHost: relay\r\n${head}`,
      `GET /v1\\\\${evilHost}/models HTTP/1.1\r\nHost: relay\r\n${head}`,
      `CONNECT ${evilHost} HTTP/1.1\r\nHost: ${evilHost}\r\n${head}`,
      `GET /v1/models HTTP/1.1\r\nHost: relay\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nAuthorization: Bearer sk-test-evil\r\n\r\n`,
    ];
    for (const attempt of attempts) await t.relay.raw(attempt, 500);
    expect(evil.requests).toHaveLength(0);
    for (const r of t.upstream.requests) expect(r.path, r.path).toMatch(/^\/v1\//);
    // The absolute-form request was served, by the configured upstream, under its own path.
    expect(t.upstream.requests[0]?.path).toBe("/v1/models");
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
