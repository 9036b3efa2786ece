import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { PAIRED_RELAY_KEY } from "../src/relay/connection";
import { makeSelfSignedCertificate, type TestCertificate } from "./certificates";
import { chunkEvent, sseAnswer, usageEvent } from "./fake-openai";
import { responseEvent, responseEvents, type ScriptedResponse } from "./fake-responses";
import { raycast } from "./raycast-api-double";

/** A request the fake relay received. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: Record<string, unknown>;
  /** The conversation sent, whichever API was asked: Chat Completions' messages, or the Responses API's
   * instructions (as a system message) and input. */
  messages: { role: string; content: unknown }[];
}

function messagesOf(url: string, body: Record<string, unknown>): ReceivedRequest["messages"] {
  if (url !== "/v1/responses") return (body.messages as ReceivedRequest["messages"] | undefined) ?? [];
  const input = typeof body.input === "string" ? [{ role: "user", content: body.input }] : (body.input ?? []);
  const instructions = typeof body.instructions === "string" ? [{ role: "system", content: body.instructions }] : [];
  return [...instructions, ...(input as ReceivedRequest["messages"])];
}

/** Answers `POST /v1/chat/completions` and `POST /v1/responses` (see {@link FakeOpenAIServer.isResponses}). */
type ChatHandler = (request: ReceivedRequest, res: ServerResponse) => void | Promise<void>;

/** The device token the fake relay's paired record carries (not checked by the fake; tests read what arrived). */
export const TEST_DEVICE_TOKEN = "psr_test_device_token";

/**
 * A local OpenAI-compatible server over TLS with its own self-signed certificate (what the relay looks like to
 * the extension), speaking the exact wire format.
 */
export class FakeOpenAIServer {
  readonly requests: ReceivedRequest[] = [];
  models = ["gpt-4.1-mini", "gpt-4o", "llama3.2:3b"];
  onChat: ChatHandler = (_request, res) => FakeOpenAIServer.stream(res, ["Hello", " from", " the relay."]);
  /** TLS handshakes completed so far: each is a new connection the extension paid for. */
  handshakes = 0;
  /** Connections open right now. */
  readonly openConnections = new Set<unknown>();
  private server: Server | undefined;

  /** `host:port` where it listens. */
  address = "";
  certificate: TestCertificate | undefined;

  async start(): Promise<this> {
    this.certificate = await makeSelfSignedCertificate(`passerelle-fake-relay-${process.pid}-${Date.now()}`);
    const { certPem: cert, keyPem: key } = this.certificate;
    this.server = createServer({ cert, key, minVersion: "TLSv1.3" }, (req, res) => void this.handle(req, res));
    this.server.on("secureConnection", (socket) => {
      this.handshakes++;
      this.openConnections.add(socket);
      socket.once("close", () => this.openConnections.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.address = `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** What Connect to Relay would store after pairing with this server (pinned to its certificate). */
  pairedRelay(address = this.address) {
    if (!this.certificate) throw new Error("start() the server first");
    return {
      relayId: "008j4ct4ank7",
      address: `https://${address}`,
      scheme: "https" as const,
      certificatePem: this.certificate.certPem,
      fingerprint256: this.certificate.fingerprint256,
      deviceToken: TEST_DEVICE_TOKEN,
    };
  }

  /** Pairs the extension with this server, as Connect to Relay would (optionally as if it were at `address`). */
  pair(address = this.address) {
    const paired = this.pairedRelay(address);
    raycast.storage.set(PAIRED_RELAY_KEY, JSON.stringify(paired));
    return paired;
  }

  /** Writes a whole streamed answer, in the wire format of the API that was asked (Responses or Chat Completions). */
  static stream(res: ServerResponse, pieces: string[], model = "gpt-4.1-mini"): void {
    if (FakeOpenAIServer.isResponses(res)) return FakeOpenAIServer.respond(res, { text: pieces, model });
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    for (const event of sseAnswer(pieces, model)) res.write(event);
    res.end();
  }

  /** Writes a whole Responses API stream: reasoning summary, web search with citations, text, usage or failure. */
  static respond(res: ServerResponse, script: ScriptedResponse): void {
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
    for (const event of responseEvents(script)) res.write(event);
    res.end();
  }

  /** Starts a stream to write piece by piece with {@link writeText} (a test that controls the pace). */
  static openStream(res: ServerResponse, model = "gpt-4.1-mini"): void {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    if (FakeOpenAIServer.isResponses(res)) {
      for (const event of responseEvents({ model }).slice(0, 2)) res.write(event);
    } else res.write(sseAnswer([], model)[0]);
  }

  /** One piece of text of a stream opened with {@link openStream}, in the asked API's format. */
  static textEvent(res: ServerResponse, text: string, model = "gpt-4.1-mini"): string {
    if (!FakeOpenAIServer.isResponses(res)) return chunkEvent(text, { model });
    return responseEvent(
      "response.output_text.delta",
      { item_id: "msg_test", output_index: 0, content_index: 0, delta: text, logprobs: [] },
      5,
    );
  }

  /** Writes one piece of text (see {@link openStream}). */
  static writeText(res: ServerResponse, text: string, model = "gpt-4.1-mini"): boolean {
    return res.write(FakeOpenAIServer.textEvent(res, text, model));
  }

  /** Ends a stream opened with {@link openStream}: the end of the message and its usage. */
  static endStream(res: ServerResponse, usage = { input: 12, output: 0 }, model = "gpt-4.1-mini"): void {
    if (FakeOpenAIServer.isResponses(res)) {
      for (const event of responseEvents({ model, usage }).slice(2)) res.write(event);
    } else {
      res.write(chunkEvent(null, { model, finish: "stop" }));
      res.write(usageEvent(usage.input, usage.output, model));
      res.write("data: [DONE]\n\n");
    }
    res.end();
  }

  /** True when the request being answered is `POST /v1/responses`. */
  static isResponses(res: ServerResponse): boolean {
    return res.req?.url === "/v1/responses";
  }

  /** Writes an OpenAI error body. */
  static error(
    res: ServerResponse,
    status: number,
    error: { message: string; type: string; code: string | null; param?: string },
  ): void {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { param: null, ...error } }));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    const request: ReceivedRequest = {
      method: req.method ?? "",
      url: req.url ?? "",
      headers: req.headers,
      body,
      messages: messagesOf(req.url ?? "", body),
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
    } else if ((req.url === "/v1/chat/completions" || req.url === "/v1/responses") && req.method === "POST") {
      await this.onChat(request, res);
    } else {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("Not Found");
    }
  }

  /** The requests for an answer received so far (Chat Completions or Responses). */
  get chatRequests(): ReceivedRequest[] {
    return this.requests.filter((request) => request.url === "/v1/chat/completions" || request.url === "/v1/responses");
  }
}
