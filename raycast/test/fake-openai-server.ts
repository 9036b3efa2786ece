import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { PAIRED_RELAY_KEY } from "../src/relay/connection";
import { makeSelfSignedCertificate, type TestCertificate } from "./certificates";
import { sseAnswer } from "./fake-openai";
import { raycast } from "./raycast-api-double";

/** A request the fake relay received. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: Record<string, unknown>;
}

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
