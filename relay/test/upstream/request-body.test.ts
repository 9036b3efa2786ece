import { createServer, request, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { RelayError } from "../../src/errors.js";
import { takeRequestBody, type BufferBudget } from "../../src/upstream/request-body.js";

let server: Server | undefined;
afterEach(() => server?.close());

/** A server that takes each body with `budget` and answers what happened: its size, or the relay's error. */
async function bodyServer(budget: BufferBudget, maxBytes: number): Promise<number> {
  server = createServer((req: IncomingMessage, res) => {
    takeRequestBody(req, { maxBytes, buffered: budget }).then(
      (body) => res.end(`ok ${(body as Buffer).length}`),
      (error: RelayError) => res.writeHead(error.status).end(error.code),
    );
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

/** Starts a JSON POST of `size` bytes, sending `first` of them now; `finish()` sends the rest. */
function slowPost(port: number, size: number, first: number) {
  const req = request({
    host: "127.0.0.1",
    port,
    method: "POST",
    headers: { "content-type": "application/json", "content-length": size },
  });
  const answer = new Promise<string>((resolve, reject) => {
    req.on("response", (res) => {
      let text = "";
      res.on("data", (c: Buffer) => (text += c));
      res.on("end", () => resolve(`${res.statusCode} ${text}`));
    });
    req.on("error", reject);
  });
  req.write(Buffer.alloc(first, 0x20));
  return { answer, finish: () => req.end(Buffer.alloc(size - first, 0x20)) };
}

const until = async (check: () => boolean) => {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
};

describe("JSON bodies held in memory", () => {
  it("are bounded together: past the budget a body gets 503 relay_busy, and the budget is given back", async () => {
    const budget: BufferBudget = { used: 0, max: 1_000_000 };
    const port = await bodyServer(budget, 900_000);
    const first = slowPost(port, 800_000, 600_000);
    await until(() => budget.used >= 600_000);
    const second = slowPost(port, 800_000, 500_000);
    expect(await second.answer).toBe("503 relay_busy");
    first.finish();
    expect(await first.answer).toBe("200 ok 800000");
    expect(budget.used).toBe(0);
    // With the memory free again, the same body is taken.
    const third = slowPost(port, 800_000, 800_000);
    third.finish();
    expect(await third.answer).toBe("200 ok 800000");
    expect(budget.used).toBe(0);
  });

  it("let one body alone use its own limit even past the shared budget", async () => {
    const budget: BufferBudget = { used: 0, max: 100_000 };
    const port = await bodyServer(budget, 500_000);
    const alone = slowPost(port, 400_000, 400_000);
    alone.finish();
    expect(await alone.answer).toBe("200 ok 400000");
    expect(budget.used).toBe(0);
  });
});
