/**
 * Bench upstream, in its own process: answers POST /v1/chat/completions like OpenAI, streamed
 * (`chunks` content chunks, `spacingMs` apart; each chunk carries its send time in `x_sent`) or as JSON.
 * GET /_aborts lists when callers went away mid-stream, by the `x-bench-id` they sent.
 * Usage: node --experimental-strip-types bench/fake-openai.ts <chunks> <spacingMs>
 * Over TLS when BENCH_TLS_CERT and BENCH_TLS_KEY name PEM files; on BENCH_HOST:BENCH_PORT (127.0.0.1, any port).
 */
import { readFileSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";

const defaultChunks = Number(process.argv[2] ?? 20);
const defaultSpacing = Number(process.argv[3] ?? 20);
const now = () => performance.timeOrigin + performance.now();
const aborts: Record<string, number> = {};

const handler = (req: IncomingMessage, res: ServerResponse) => {
  if (req.url === "/_aborts") {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(aborts));
    return;
  }
  let body = "";
  req.on("data", (c: Buffer) => (body += c));
  req.on("end", () => {
    const stream = body.includes('"stream":true');
    const chunks = Number(req.headers["x-bench-chunks"] ?? defaultChunks);
    const spacing = Number(req.headers["x-bench-spacing"] ?? defaultSpacing);
    const id = String(req.headers["x-bench-id"] ?? "");
    const head = { "x-request-id": "req_bench", "openai-processing-ms": "1" };
    if (!stream) {
      res.writeHead(200, { ...head, "content-type": "application/json" });
      res.end(
        JSON.stringify({
          id: "chatcmpl-bench",
          object: "chat.completion",
          created: 1,
          model: "gpt-4.1-mini",
          choices: [{ index: 0, message: { role: "assistant", content: "Bonjour" }, finish_reason: "stop" }],
          usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
        }),
      );
      return;
    }
    res.writeHead(200, { ...head, "content-type": "text/event-stream; charset=utf-8" });
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const chunk = () =>
      `data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1,"model":"gpt-4.1-mini","x_sent":${now().toFixed(3)},"choices":[{"index":0,"delta":{"content":" w${sent}"},"finish_reason":null}]}\n\n`;
    const next = () => {
      if (res.destroyed) return;
      if (sent === chunks) return void res.end("data: [DONE]\n\n");
      res.write(chunk());
      sent++;
      timer = setTimeout(next, spacing);
    };
    res.on("close", () => {
      clearTimeout(timer);
      if (!res.writableFinished && id) aborts[id] = now();
    });
    next();
  });
};

const { BENCH_TLS_CERT, BENCH_TLS_KEY } = process.env;
const server =
  BENCH_TLS_CERT && BENCH_TLS_KEY
    ? createHttpsServer({ cert: readFileSync(BENCH_TLS_CERT), key: readFileSync(BENCH_TLS_KEY) }, handler)
    : createHttpServer(handler);
server.listen(Number(process.env.BENCH_PORT ?? 0), process.env.BENCH_HOST ?? "127.0.0.1", () => {
  const port = (server.address() as AddressInfo).port;
  if (process.send) process.send({ port });
  else console.log(`listening on port ${port}`);
});
