import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SLOW_FAILURE_MS } from "../../src/auth/device-auth.js";
import { DeviceRegistry, tokenDigest } from "../../src/state/devices.js";
import { DEVICES_FILE } from "../../src/state/devices.js";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { startRelayUnderTest, type RelayUnderTest } from "../support/relay-under-test.js";

let upstream: FakeUpstream;
let relay: RelayUnderTest;
const WINDOW_MS = 1500;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  relay = await startRelayUnderTest(upstream.baseURL, {}, { security: { throttle: { windowMs: WINDOW_MS } } });
});
afterAll(async () => {
  await relay.relay.stop(100);
  await upstream.close();
});
beforeEach(() => {
  upstream.requests.length = 0;
});

const models = (headers: Record<string, string>) => relay.fetch(`${relay.baseURL}/models`, { headers });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A fresh relay for tests that spend its failure budget. */
async function freshRelay(windowMs = WINDOW_MS) {
  return startRelayUnderTest(upstream.baseURL, {}, { security: { throttle: { windowMs } } });
}

describe("only paired devices may use /v1", () => {
  it("answers no token, a wrong token and a 10 KB token with 401 device_token_invalid, never 500", async () => {
    const fresh = await freshRelay();
    try {
      for (const token of [undefined, "psr_wrong", "x".repeat(10_240)]) {
        const headers: Record<string, string> = { authorization: "Bearer sk-test-auth-1" };
        headers["x-passerelle-token"] = token ?? "";
        const res = await fresh.fetch(`${fresh.baseURL}/models`, { headers });
        expect(res.status, String(token?.length)).toBe(401);
        const body = (await res.json()) as { error: { code: string; message: string; type: string } };
        expect(body.error).toMatchObject({ code: "device_token_invalid", type: "passerelle_error" });
        expect(body.error.message).toContain("pair --cli NAME");
      }
      expect(upstream.requests).toHaveLength(0);
    } finally {
      await fresh.relay.stop(100);
    }
  });

  it("raises the openai SDK's AuthenticationError for a client without a token", async () => {
    const error = await relay
      .client("sk-test-auth-2", { defaultHeaders: { "X-Passerelle-Token": null } })
      .models.list()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 401, code: "device_token_invalid" });
  });

  it("accepts the combined key psr_<token>.<OpenAI key> and forwards the OpenAI key alone", async () => {
    const res = await models({ authorization: `Bearer ${relay.token}.sk-test-combined-1`, "x-passerelle-token": "" });
    // An empty X-Passerelle-Token is still a token header: the combined form is for callers that cannot set headers.
    expect(res.status).toBe(401);
    const client = relay.client(`${relay.token}.sk-test-combined-2`, {
      defaultHeaders: { "X-Passerelle-Token": null },
    });
    const list = await client.models.list();
    expect(list.data.length).toBeGreaterThan(0);
    expect(upstream.requests.at(-1)?.headers.authorization).toBe("Bearer sk-test-combined-2");
    expect(JSON.stringify(upstream.requests.at(-1)?.headers)).not.toContain(relay.token);
  });

  it("never forwards a combined token that carries no OpenAI key", async () => {
    const client = relay.client(relay.token, { defaultHeaders: { "X-Passerelle-Token": null } });
    await client.models.list().catch(() => undefined);
    expect(upstream.requests.at(-1)?.headers.authorization).toBeUndefined();
  });
});

describe("repeated failures", () => {
  it("answers 429 with Retry-After after five failures from one address, whatever X-Forwarded-For says; a good token works all along", async () => {
    const fresh = await freshRelay();
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) {
        const res = await fresh.fetch(`${fresh.baseURL}/models`, {
          headers: {
            authorization: "Bearer sk-test-auth-3",
            "x-passerelle-token": `psr_guess_${i}`,
            "x-forwarded-for": `10.9.8.${i}`,
          },
        });
        statuses.push(res.status);
        if (res.status === 429) {
          expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
          expect(((await res.json()) as { error: { code: string } }).error.code).toBe("too_many_failures");
        }
      }
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
      // A valid token is accepted before any lockout: a guesser at the same address (a Mac behind the same
      // NAT, another account on the PC) cannot lock a paired device out.
      const paired = await fresh.fetch(`${fresh.baseURL}/models`, { headers: { authorization: "Bearer sk-test-a" } });
      expect(paired.status).toBe(200);
      const guess = () =>
        fresh.fetch(`${fresh.baseURL}/models`, {
          headers: { authorization: "Bearer sk-test-a", "x-passerelle-token": "psr_guess_again" },
        });
      expect((await guess()).status).toBe(429);
      await sleep(WINDOW_MS + 100);
      // The address may fail again after the window.
      expect((await guess()).status).toBe(401);
    } finally {
      await fresh.relay.stop(100);
    }
  });
});

describe("Expect: 100-continue", () => {
  const body = JSON.stringify({ model: "gpt-4.1-mini", messages: [{ role: "user", content: "continue" }] });
  const head = (token: string) =>
    "POST /v1/chat/completions HTTP/1.1\r\nHost: relay\r\nAuthorization: Bearer sk-test-continue\r\n" +
    `X-Passerelle-Token: ${token}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n` +
    "Expect: 100-continue\r\n\r\n";

  it("is answered only after the token is checked: a stranger gets its refusal, never an invitation to send", async () => {
    const answer = await relay.raw(head("psr_wrong"), 1000);
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer).not.toContain("100 Continue");
  });

  it("invites a paired device to send its body, then answers it", async () => {
    expect(await relay.raw(head(relay.token), 500)).toBe("HTTP/1.1 100 Continue\r\n\r\n");
    const answer = await relay.raw(head(relay.token) + body, 2000);
    expect(answer).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /);
    expect(answer).toContain("Echo: continue");
  });
});

describe("revoking a device", () => {
  it("refuses its token at once, even when another process edited the devices file", async () => {
    const fresh = await freshRelay();
    try {
      const { token } = fresh.relay.security.devices.add("Revoked Mac", "app");
      const use = () =>
        fresh.fetch(`${fresh.baseURL}/models`, {
          headers: { authorization: "Bearer sk-test-revoke", "x-passerelle-token": token },
        });
      expect((await use()).status).toBe(200);
      // As `passerelle revoke` does, from its own process: a registry of its own on the same file.
      expect(new DeviceRegistry(`${fresh.home}/${DEVICES_FILE}`).remove("revoked mac")).toBe(true);
      expect((await use()).status).toBe(401);
      expect(
        (await fresh.fetch(`${fresh.baseURL}/models`, { headers: { authorization: "Bearer sk-test-x" } })).status,
      ).toBe(200);
    } finally {
      await fresh.relay.stop(100);
    }
  });
});

describe("the token check is cheap", () => {
  it("costs a few microseconds per request (hash, stat, Map lookup)", async () => {
    const registry = relay.relay.security.devices;
    const digest = tokenDigest(relay.token);
    for (let i = 0; i < 1000; i++) await registry.lookup(tokenDigest(relay.token));
    const n = 20_000;
    const started = performance.now();
    for (let i = 0; i < n; i++) await registry.lookup(tokenDigest(relay.token));
    const perCheckUs = ((performance.now() - started) * 1000) / n;
    console.log(`device token check: ${perCheckUs.toFixed(2)} µs`);
    expect((await registry.lookup(digest))?.name).toBe("test-device");
    expect(perCheckUs).toBeLessThan(50);
  });
});

describe("the global failure budget", () => {
  it("answers failing callers 429 once spent, while a paired device still gets through", async () => {
    const fresh = await startRelayUnderTest(
      upstream.baseURL,
      {},
      { security: { throttle: { global: 3, perAddress: 100 } } },
    );
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await fresh.fetch(`${fresh.baseURL}/models`, {
          headers: { authorization: "Bearer sk-test-g", "x-passerelle-token": `psr_guess_${i}` },
        });
        statuses.push(res.status);
      }
      expect(statuses).toEqual([401, 401, 429, 429, 429]);
      // While the budget is spent, each failure is answered slowly: guessing slows to a crawl.
      const asked = performance.now();
      const slow = await fresh.fetch(`${fresh.baseURL}/models`, {
        headers: { authorization: "Bearer sk-test-g", "x-passerelle-token": "psr_guess_slow" },
      });
      expect(slow.status).toBe(429);
      expect(performance.now() - asked).toBeGreaterThanOrEqual(SLOW_FAILURE_MS - 50);
      const good = await fresh.fetch(`${fresh.baseURL}/models`, { headers: { authorization: "Bearer sk-test-g" } });
      expect(good.status).toBe(200);
    } finally {
      await fresh.relay.stop(100);
    }
  });
});
