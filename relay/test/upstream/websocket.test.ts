import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { OpenAIRealtimeWS } from "openai/realtime/ws";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer, type ClientOptions } from "ws";
import { startRelayUnderTest, type RelayUnderTest } from "../support/relay-under-test.js";

/**
 * A stand-in for OpenAI's Realtime endpoint: refuses a bad key as OpenAI does (a 401 before any upgrade),
 * says `session.created` on connect and answers every client event with one of its own naming it.
 */
interface Session {
  url: string;
  headers: IncomingMessage["headers"];
  socket: WebSocket;
  received: string[];
  closedAt?: number;
}

const sessions: Session[] = [];
/** Handshakes the fake upstream leaves unanswered. */
const held: Duplex[] = [];
let handshakes = 0;
let upstream: Server;
let upstreamOrigin: string;
let relay: RelayUnderTest;

function startUpstream(): Promise<string> {
  const wss = new WebSocketServer({ noServer: true });
  upstream = createServer((_req, res) => res.writeHead(404).end());
  upstream.on("upgrade", (req, socket, head) => {
    handshakes++;
    if (req.headers.authorization?.startsWith("Bearer sk-test-bad")) {
      const body = JSON.stringify({
        error: {
          message: "Incorrect API key provided.",
          type: "invalid_request_error",
          param: null,
          code: "invalid_api_key",
        },
      });
      socket.end(
        `HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
      );
      return;
    }
    if (req.headers.authorization?.startsWith("Bearer sk-test-slow")) {
      held.push(socket); // no answer to the handshake until the test ends
      return;
    }
    if (req.headers.authorization?.startsWith("Bearer sk-test-redirect")) {
      socket.end("HTTP/1.1 307 Temporary Redirect\r\nlocation: wss://elsewhere.example/v1/realtime\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const session: Session = { url: req.url ?? "", headers: req.headers, socket: ws, received: [] };
      sessions.push(session);
      ws.on("close", () => (session.closedAt = performance.now()));
      ws.on("message", (data) => {
        const text = data.toString();
        session.received.push(text);
        const event = JSON.parse(text) as { type: string; event_id?: string };
        ws.send(JSON.stringify({ type: "fake.echo", event_id: `ev_${session.received.length}`, of: event.type }));
      });
      ws.send(JSON.stringify({ type: "session.created", event_id: "ev_0", session: { id: "sess_fake" } }));
    });
  });
  return new Promise((resolve) =>
    upstream.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`)),
  );
}

beforeAll(async () => {
  const baseURL = await startUpstream();
  upstreamOrigin = new URL(baseURL).origin;
  relay = await startRelayUnderTest(baseURL);
});
afterAll(async () => {
  for (const socket of held) socket.destroy();
  await relay?.relay.stop(100);
  upstream?.closeAllConnections();
  await new Promise((resolve) => upstream?.close(resolve));
});
beforeEach(() => {
  sessions.length = 0;
  handshakes = 0;
  relay.logs.length = 0;
});

/** ws's options for the relay's pinned certificate (its types describe the TLS check more narrowly). */
const pinned = () => ({ ...relay.tls }) as unknown as ClientOptions;
const wsURL = (path: string) => relay.baseURL.replace(/^https:/, "wss:") + path;
/** A `ws` client pinned to the relay's certificate, with the device token unless told otherwise. */
function connect(path: string, headers: Record<string, string>): WebSocket {
  return new WebSocket(wsURL(path), { ...pinned(), headers });
}
const opened = (ws: WebSocket) =>
  new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const closed = (ws: WebSocket) => new Promise<void>((resolve) => ws.once("close", () => resolve()));
const until = async (done: () => boolean, ms = 2000) => {
  const end = performance.now() + ms;
  while (!done() && performance.now() < end) await new Promise((r) => setTimeout(r, 5));
  return done();
};

describe("WebSocket passthrough (Realtime API)", () => {
  it("carries a session of the official Realtime client: key forwarded, frames both ways", async () => {
    const client = relay.client("sk-test-realtime-1");
    const rt = new OpenAIRealtimeWS({ model: "gpt-realtime", options: pinned() }, client);
    const events: Array<{ type: string; of?: string }> = [];
    rt.on("error", () => {});
    rt.on("event", (event) => events.push(event as { type: string; of?: string }));
    await new Promise<void>((resolve, reject) => {
      rt.socket.once("open", () => resolve());
      rt.socket.once("error", reject);
    });
    rt.send({ type: "session.update", session: { type: "realtime", instructions: "Réponds en français." } });
    rt.send({ type: "response.create" });
    expect(await until(() => events.length >= 3)).toBe(true);
    expect(events.map((e) => e.type)).toEqual(["session.created", "fake.echo", "fake.echo"]);
    expect(events.slice(1).map((e) => e.of)).toEqual(["session.update", "response.create"]);

    const [session] = sessions;
    expect(session?.url).toBe("/v1/realtime?model=gpt-realtime");
    expect(session?.headers.authorization).toBe("Bearer sk-test-realtime-1");
    expect(session?.headers["x-passerelle-token"]).toBeUndefined();
    expect(JSON.parse(session!.received[0]!)).toMatchObject({ session: { instructions: "Réponds en français." } });

    rt.close();
    expect(await until(() => relay.logs.length === 1)).toBe(true);
    expect(relay.logs[0]).toMatchObject({ method: "GET", path: "/v1/realtime", status: 101 });
    expect(relay.logs[0]!.bytes).toBeGreaterThan(0);
    expect(JSON.stringify(relay.logs)).not.toContain("sk-test-realtime-1");
  });

  it("refuses a caller without a device token with a 401 in OpenAI's shape, sending nothing upstream", async () => {
    const ws = new WebSocket(wsURL("/realtime?model=gpt-realtime"), {
      ...pinned(),
      headers: { Authorization: "Bearer sk-test-realtime-2" },
    });
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      ws.once("unexpected-response", (_req, res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      ws.once("open", () => reject(new Error("opened without a device token")));
    });
    ws.on("error", () => {}); // ws reports its own refused handshake as an error too
    ws.terminate();
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body)).toMatchObject({
      error: { code: "device_token_invalid", type: "passerelle_error" },
    });
    expect(handshakes).toBe(0);
  });

  it("takes the combined key psr_<token>.<key> and forwards the OpenAI key alone", async () => {
    const ws = connect("/responses", { Authorization: `Bearer ${relay.token}.sk-test-realtime-3` });
    await opened(ws);
    expect(sessions[0]?.url).toBe("/v1/responses");
    expect(sessions[0]?.headers.authorization).toBe("Bearer sk-test-realtime-3");
    ws.close();
    await closed(ws);
  });

  it("passes the upstream's refusal of the key back unchanged", async () => {
    const ws = connect("/realtime?model=gpt-realtime", {
      Authorization: "Bearer sk-test-bad-realtime",
      "X-Passerelle-Token": relay.token,
    });
    const status = await new Promise<number>((resolve) =>
      ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0)),
    );
    ws.on("error", () => {});
    ws.terminate();
    expect(status).toBe(401);
    expect(handshakes).toBe(1);
    expect(await until(() => relay.logs.length === 1)).toBe(true);
    expect(JSON.stringify(relay.logs)).not.toContain("sk-test-bad-realtime");
  });

  it("does not pass on a redirect, which could take the key to another host", async () => {
    const ws = connect("/realtime?model=gpt-realtime", {
      Authorization: "Bearer sk-test-redirect-1",
      "X-Passerelle-Token": relay.token,
    });
    const answer = await new Promise<{ status: number; location?: string; body: string }>((resolve) =>
      ws.once("unexpected-response", (_req, res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body }));
      }),
    );
    ws.on("error", () => {});
    ws.terminate();
    expect(answer.status).toBe(502);
    expect(answer.location).toBeUndefined();
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: "upstream_redirect" } });
  });

  it("logs a caller that leaves before the upstream's 101 as 499 caller_gone, and drops the handshake", async () => {
    const ws = connect("/realtime?model=gpt-realtime", {
      Authorization: "Bearer sk-test-slow-1",
      "X-Passerelle-Token": relay.token,
    });
    ws.on("error", () => {});
    expect(await until(() => held.length === 1)).toBe(true);
    const upstreamSide = held[0]!;
    ws.terminate();
    const gone = () => relay.logs.find((entry) => entry.failure === "caller_gone");
    expect(await until(() => gone() !== undefined)).toBe(true);
    expect(gone()).toMatchObject({ path: "/v1/realtime", status: 499 });
    expect(await until(() => upstreamSide.destroyed || upstreamSide.readableEnded)).toBe(true);
    upstreamSide.destroy();
    held.length = 0;
  });

  it("ends the upstream session within 1 s when the caller's connection drops", async () => {
    const ws = connect("/realtime?model=gpt-realtime", {
      Authorization: "Bearer sk-test-realtime-4",
      "X-Passerelle-Token": relay.token,
    });
    await opened(ws);
    expect(await until(() => sessions.length === 1)).toBe(true);
    const droppedAt = performance.now();
    ws.terminate(); // no close frame: the connection just goes
    expect(await until(() => sessions[0]!.closedAt !== undefined, 1000)).toBe(true);
    expect(sessions[0]!.closedAt! - droppedAt).toBeLessThan(1000);
  });

  it("ends the caller's connection within 1 s when the upstream drops, and passes a clean close too", async () => {
    const ws = connect("/realtime?model=gpt-realtime", {
      Authorization: "Bearer sk-test-realtime-5",
      "X-Passerelle-Token": relay.token,
    });
    await opened(ws);
    expect(await until(() => sessions.length === 1)).toBe(true);
    const droppedAt = performance.now();
    let closedAt = 0;
    const done = closed(ws).then(() => (closedAt = performance.now()));
    sessions[0]!.socket.terminate();
    await done;
    expect(closedAt - droppedAt).toBeLessThan(1000);

    const ws2 = connect("/realtime?model=gpt-realtime", {
      Authorization: "Bearer sk-test-realtime-6",
      "X-Passerelle-Token": relay.token,
    });
    await opened(ws2);
    expect(await until(() => sessions.length === 2)).toBe(true);
    const code = new Promise<number>((resolve) => ws2.once("close", (c) => resolve(c)));
    sessions[1]!.socket.close(4001, "session over");
    expect(await code).toBe(4001);
  });

  it("ends a session silent for the idle timeout on both sides, and keeps a talking one", async () => {
    const brief = await startRelayUnderTest(`${upstreamOrigin}/v1`, {
      timeouts: { connectMs: 5000, firstByteMs: 5000, idleMs: 400 },
    });
    try {
      const open = (key: string) =>
        new WebSocket(brief.baseURL.replace(/^https:/, "wss:") + "/realtime?model=gpt-realtime", {
          ...({ ...brief.tls } as unknown as ClientOptions),
          headers: { Authorization: `Bearer ${key}`, "X-Passerelle-Token": brief.token },
        });
      const talking = open("sk-test-realtime-7");
      const silent = open("sk-test-realtime-8");
      await Promise.all([opened(talking), opened(silent)]);
      const silentClosed = closed(silent);
      const ticker = setInterval(() => talking.send(JSON.stringify({ type: "input_audio_buffer.clear" })), 100);
      await sleep(900);
      clearInterval(ticker);
      await silentClosed;
      expect(talking.readyState).toBe(WebSocket.OPEN);
      const silentSession = sessions.find((s) => s.headers.authorization === "Bearer sk-test-realtime-8");
      expect(await until(() => silentSession?.closedAt !== undefined)).toBe(true);
      talking.close();
      await closed(talking);
    } finally {
      await brief.relay.stop(100);
    }
  });

  it("says so in OpenAI's shape when the upstream cannot be reached or does not answer the handshake", async () => {
    const { createServer: createTcpServer } = await import("node:net");
    const mute = createTcpServer(() => {}); // accepts, never answers
    await new Promise<void>((resolve) => mute.listen(0, "127.0.0.1", resolve));
    const mutePort = (mute.address() as AddressInfo).port;
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createTcpServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const timeouts = { connectMs: 2000, firstByteMs: 300, idleMs: 5000 };
    const refusal = async (upstreamURL: string) => {
      const brief = await startRelayUnderTest(upstreamURL, { timeouts });
      try {
        const ws = new WebSocket(brief.baseURL.replace(/^https:/, "wss:") + "/realtime?model=gpt-realtime", {
          ...({ ...brief.tls } as unknown as ClientOptions),
          headers: { Authorization: "Bearer sk-test-realtime-9", "X-Passerelle-Token": brief.token },
        });
        ws.on("error", () => {});
        return await new Promise<{ status: number; code: string }>((resolve) =>
          ws.once("unexpected-response", (_req, res) => {
            let body = "";
            res.on("data", (chunk: Buffer) => (body += chunk.toString()));
            res.on("end", () =>
              resolve({
                status: res.statusCode ?? 0,
                code: (JSON.parse(body) as { error: { code: string } }).error.code,
              }),
            );
          }),
        );
      } finally {
        await brief.relay.stop(100);
      }
    };
    try {
      expect(await refusal(`http://127.0.0.1:${closedPort}/v1`)).toEqual({ status: 502, code: "upstream_unreachable" });
      expect(await refusal(`http://127.0.0.1:${mutePort}/v1`)).toEqual({
        status: 504,
        code: "upstream_first_byte_timeout",
      });
    } finally {
      mute.close();
    }
  });
});
