import { request } from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { startRelayUnderTest, type RelayUnderTest } from "../support/relay-under-test.js";
import { extensionModule, type ExtensionPairing } from "../support/extension.js";

let upstream: FakeUpstream;
let extension: ExtensionPairing;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  extension = await extensionModule<ExtensionPairing>("relay/pairing.ts");
});
afterAll(async () => {
  await upstream.close();
});

/** One request to the relay from `localAddress` (loopback gives all of 127.0.0.0/8); resolves with the status. */
function from(
  relay: RelayUnderTest,
  localAddress: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: relay.relay.port,
        localAddress,
        path,
        method: options.method ?? "GET",
        headers: options.headers,
        agent: false,
        ...relay.tls,
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

describe("a stranger on the Wi-Fi cannot stop the owner pairing", () => {
  it("after 3 wrong PINs from one address and 200 bad tokens from 40, the right code pairs at once", async () => {
    const relay = await startRelayUnderTest(upstream.baseURL);
    try {
      const code = relay.relay.security.pairing.open().code;
      const pinOf = (text: string) => text.replace(/-/g, "").slice(20);
      const wrong = ["00000000", "11111111", "22222222"].filter((pin) => pin !== pinOf(code));
      const pairAttempt = (pin: string) =>
        from(relay, "127.0.2.1", "/pair", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ pin, name: "stranger" }),
        });
      for (const pin of wrong) expect(await pairAttempt(pin)).toBe(401);
      // 200 bad tokens, 5 from each of 40 addresses, in parallel: the /v1 budget (100 a minute) is spent.
      const statuses = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          from(relay, `127.0.3.${10 + (i % 40)}`, "/v1/models", {
            headers: { authorization: "Bearer sk-test-stranger", "x-passerelle-token": `psr_guess_${i}` },
          }),
        ),
      );
      expect(statuses.filter((s) => s === 401 || s === 429)).toHaveLength(200);
      expect(statuses).toContain(429);
      expect(relay.relay.security.throttle.globalWait()).toBeGreaterThan(0);

      // The owner, with the right code, from the Mac.
      const started = performance.now();
      const paired = await extension.pairWithRelay({
        address: `127.0.0.1:${relay.relay.port}`,
        code,
        deviceName: "Owner's Mac",
      });
      expect(performance.now() - started).toBeLessThan(2000);
      const res = await relay.fetch(`${relay.baseURL}/models`, {
        headers: { authorization: "Bearer sk-test-owner", "x-passerelle-token": paired.deviceToken },
      });
      expect(res.status).toBe(200);
      // And a device already paired is not locked out from an address the stranger locked (a shared NAT).
      const locked = "127.0.3.10";
      expect(await from(relay, locked, "/v1/models", { headers: { "x-passerelle-token": "psr_again" } })).toBe(429);
      expect(
        await from(relay, locked, "/v1/models", {
          headers: { authorization: "Bearer sk-test-owner", "x-passerelle-token": relay.token },
        }),
      ).toBe(200);
    } finally {
      await relay.relay.stop(100);
    }
  }, 30_000);

  it("answers a wrong code the same way whether or not a pairing session is open", async () => {
    const relay = await startRelayUnderTest(upstream.baseURL);
    try {
      const attempt = async () => {
        const res = await relay.fetch(`${relay.baseURL.replace(/\/v1$/, "")}/pair`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ pin: "ABCDEFGH", name: "x" }),
        });
        return { status: res.status, body: await res.text() };
      };
      const closed = await attempt();
      relay.relay.security.pairing.open();
      const open = await attempt();
      expect(closed.status).toBe(401);
      expect(open).toEqual(closed);
    } finally {
      await relay.relay.stop(100);
    }
  });
});

describe("the device token never reaches OpenAI", () => {
  let relay: RelayUnderTest;
  beforeAll(async () => {
    relay = await startRelayUnderTest(upstream.baseURL);
  });
  afterAll(async () => {
    await relay.relay.stop(100);
  });

  it("strips the combined psr_<token>.<key> even when X-Passerelle-Token authenticated the request", async () => {
    upstream.requests.length = 0;
    // The key the client holds is the combined one, and it also sends the token header.
    const combined = relay.client(`${relay.token}.sk-test-combined-and-header`);
    const answer = await combined.chat.completions.create({
      model: "gpt-4.1-mini",
      messages: [{ role: "user", content: "hello" }],
    });
    expect(answer.choices[0]?.message.content).toBeTruthy();
    // A combined token without a key, beside the header: no Authorization goes on at all.
    const tokenOnly = relay.client(relay.token);
    await expect(tokenOnly.models.list()).rejects.toMatchObject({ status: 401 }); // OpenAI itself wants a key
    // Another device's token in Authorization, beside this device's header: cut as well.
    const otherToken = relay.client("psr_someone-elses-token.sk-test-other");
    await otherToken.models.list();

    expect(upstream.requests).toHaveLength(3);
    expect(upstream.requests[0]!.headers.authorization).toBe("Bearer sk-test-combined-and-header");
    expect(upstream.requests[1]!.headers.authorization).toBeUndefined();
    expect(upstream.requests[2]!.headers.authorization).toBe("Bearer sk-test-other");
    for (const seen of upstream.requests) {
      expect(JSON.stringify(seen.headers)).not.toContain("psr_");
      expect(seen.body).not.toContain("psr_");
    }
  });
});
