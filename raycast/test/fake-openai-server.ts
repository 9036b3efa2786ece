import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { sseAnswer } from "./fake-openai";

/** A request the fake relay received. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: Record<string, unknown>;
}

type ChatHandler = (request: ReceivedRequest, res: ServerResponse) => void | Promise<void>;

/** A local OpenAI-compatible server (what the relay looks like to the extension), speaking the exact wire format. */
export class FakeOpenAIServer {
  readonly requests: ReceivedRequest[] = [];
  models = ["gpt-4.1-mini", "gpt-4o", "llama3.2:3b"];
  onChat: ChatHandler = (_request, res) => FakeOpenAIServer.stream(res, ["Hello", " from", " the relay."]);
  private server: Server | undefined;

  /** `host:port` to type as the relay address. */
  address = "";

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.address = `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** Writes a whole streamed answer. */
  static stream(res: ServerResponse, pieces: string[], model = "gpt-4.1-mini"): void {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    for (const event of sseAnswer(pieces, model)) res.write(event);
    res.end();
  }

  /** Writes an OpenAI error body. */
  static error(
    res: ServerResponse,
    status: number,
    error: { message: string; type: string; code: string | null },
  ): void {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { ...error, param: null } }));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const request: ReceivedRequest = {
      method: req.method ?? "",
      url: req.url ?? "",
      headers: req.headers,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    };
    this.requests.push(request);
    if (req.url === "/health") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: "ok", version: "0.1.0" }));
    } else if (req.url === "/v1/models") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          object: "list",
          data: this.models.map((id) => ({ id, object: "model", created: 0, owned_by: "test" })),
        }),
      );
    } else if (req.url === "/v1/chat/completions" && req.method === "POST") {
      await this.onChat(request, res);
    } else {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("Not Found");
    }
  }

  /** The chat requests received so far. */
  get chatRequests(): ReceivedRequest[] {
    return this.requests.filter((request) => request.url === "/v1/chat/completions");
  }
}
