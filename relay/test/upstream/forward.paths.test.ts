import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRelayUnderTest, type RelayUnderTest } from "../support/relay-under-test.js";

/**
 * An upstream that lives under a path prefix and wants a query, as Azure OpenAI's v1 endpoint
 * (`https://<resource>.openai.azure.com/openai/v1`) and API gateways do. It records every request line and
 * serves a chat answer and a background response's event stream, resumed after `starting_after`.
 */
interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  /** When the upstream sent its last event (for background streams). */
  lastEventAt?: number;
}

const seen: Seen[] = [];
let upstream: Server;
let relay: RelayUnderTest;
const EVENTS = 6;

function startUpstream(): Promise<string> {
  upstream = createServer((req, res) => {
    const record: Seen = { method: req.method ?? "", url: req.url ?? "", headers: req.headers };
    seen.push(record);
    req.resume();
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://upstream");
      if (req.method === "POST" && url.pathname === "/openai/v1/chat/completions") {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            id: "chatcmpl-azure",
            object: "chat.completion",
            created: 1,
            model: "gpt-4.1-mini",
            choices: [
              { index: 0, message: { role: "assistant", content: "Bonjour" }, logprobs: null, finish_reason: "stop" },
            ],
          }),
        );
        return;
      }
      const background = /^\/openai\/v1\/responses\/(resp_[a-z0-9]+)$/.exec(url.pathname);
      if (req.method === "GET" && background && url.searchParams.get("stream") === "true") {
        // The events after `starting_after`, 40 ms apart, as a background response still being generated.
        const after = Number(url.searchParams.get("starting_after") ?? -1);
        res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8" });
        let n = after + 1;
        const next = () => {
          if (res.destroyed) return;
          if (n >= EVENTS) {
            record.lastEventAt = performance.now();
            return void res.end();
          }
          const event = {
            type: "response.output_text.delta",
            sequence_number: n,
            item_id: "msg_1",
            output_index: 0,
            content_index: 0,
            delta: ` w${n}`,
            logprobs: [],
          };
          res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
          n++;
          setTimeout(next, 40);
        };
        next();
        return;
      }
      res.writeHead(404, { "content-type": "application/json" });
      res.end(
        JSON.stringify({ error: { message: "not here", type: "invalid_request_error", param: null, code: null } }),
      );
    });
  });
  return new Promise((resolve) =>
    upstream.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`)),
  );
}

beforeAll(async () => {
  const origin = await startUpstream();
  relay = await startRelayUnderTest(`${origin}/openai/v1?api-version=preview`);
});
afterAll(async () => {
  await relay?.relay.stop(100);
  upstream?.closeAllConnections();
  await new Promise((resolve) => upstream?.close(resolve));
});

describe("an upstream under a path prefix, with a query", () => {
  it("gets the caller's path under its prefix, its own query kept", async () => {
    seen.length = 0;
    const answer = await relay.client("sk-test-azure-1").chat.completions.create({
      model: "gpt-4.1-mini",
      messages: [{ role: "user", content: "Bonjour" }],
    });
    expect(answer.choices[0]?.message.content).toBe("Bonjour");
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual(["POST /openai/v1/chat/completions?api-version=preview"]);
    expect(seen[0]?.headers.authorization).toBe("Bearer sk-test-azure-1");
  });

  it("streams a background response resumed after `starting_after`, both queries intact", async () => {
    seen.length = 0;
    const stream = await relay.client("sk-test-azure-2").responses.retrieve("resp_abc123", {
      stream: true,
      starting_after: 2,
    });
    const numbers: number[] = [];
    let firstAt: number | undefined;
    for await (const event of stream) {
      firstAt ??= performance.now();
      numbers.push(event.sequence_number);
    }
    expect(numbers).toEqual([3, 4, 5]);
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      "GET /openai/v1/responses/resp_abc123?api-version=preview&stream=true&starting_after=2",
    ]);
    // The first event reached the caller while the upstream was still sending (two more, 40 ms apart).
    expect(firstAt).toBeLessThan(seen[0]!.lastEventAt! - 40);
  });
});
