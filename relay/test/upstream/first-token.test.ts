import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Pool, type Dispatcher } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRelayUnderTest, type RelayUnderTest } from "../support/relay-under-test.js";

const STREAMS = 40;
const BODY = JSON.stringify({ model: "gpt-4.1-mini", stream: true, messages: [{ role: "user", content: "Bonjour" }] });

/** OpenAI answering a stream: its first event at once (with its headers, as Node sends them), the end 5 ms later. */
async function streamingUpstream(): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    req.resume();
    req.once("end", () => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write('data: {"choices":[{"delta":{"content":"Bon"}}]}\n\n');
      setTimeout(() => res.end("data: [DONE]\n\n"), 5);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** Milliseconds from sending a streamed request to its first body byte. */
function firstByteMs(pool: Pool, headers: Record<string, string>): Promise<number> {
  const started = performance.now();
  let first = NaN;
  return new Promise((resolve, reject) => {
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart: () => undefined,
      onResponseStart: () => undefined,
      onResponseData() {
        if (Number.isNaN(first)) first = performance.now() - started;
      },
      onResponseEnd: () => resolve(first),
      onResponseError: (_c, error) => reject(error),
    };
    pool.dispatch({ path: "/v1/chat/completions", method: "POST", headers, body: BODY }, handler);
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe("the first token", () => {
  let upstream: Awaited<ReturnType<typeof streamingUpstream>>;
  let relay: RelayUnderTest;

  beforeAll(async () => {
    upstream = await streamingUpstream();
    relay = await startRelayUnderTest(`http://127.0.0.1:${upstream.port}/v1`);
  });
  afterAll(async () => {
    await relay.relay.stop(100);
    upstream.server.closeAllConnections();
    upstream.server.close();
  });

  it("reaches the caller as soon as the upstream sends it: nothing waits for a timer, a tick of Nagle or another process", async () => {
    const direct = new Pool(`http://127.0.0.1:${upstream.port}`, { connections: 1 });
    const through = new Pool(relay.baseURL.replace(/\/v1$/, ""), { connections: 1, connect: relay.tls });
    const key = { authorization: "Bearer sk-test-first-token", "content-type": "application/json" };
    const viaRelay = { ...key, "x-passerelle-token": relay.token };
    try {
      // Connections opened and the request path run once before measuring, as a Mac's kept-alive connection.
      for (let i = 0; i < 5; i++) await Promise.all([firstByteMs(direct, key), firstByteMs(through, viaRelay)]);
      const directMs: number[] = [];
      const relayMs: number[] = [];
      // One stream at a time, direct and through the relay in turn, so a busy machine slows both alike.
      for (let i = 0; i < STREAMS; i++) {
        directMs.push(await firstByteMs(direct, key));
        relayMs.push(await firstByteMs(through, viaRelay));
      }
      // About 1.5 ms here on an idle machine; a first write held for a timer, Nagle's 40 ms or an
      // answer from another process would add far more than the bound, which leaves room for a loaded machine.
      expect(median(relayMs) - median(directMs)).toBeLessThan(15);
    } finally {
      await Promise.all([direct.close(), through.close()]);
    }
  });
});
