import { createServer, type Server } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sleep } from "../support/fixture.js";
import { startRelayUnderTest, type RelayUnderTest } from "../support/relay-under-test.js";

/** An upstream that notes when each connection was accepted and which connection each request came on. */
interface Counting {
  server: Server;
  baseURL: string;
  accepted: Map<Socket, number>;
  requests: Array<{ authorization?: string; connectionAcceptedAt: number; at: number }>;
  open(): number;
}

async function countingUpstream(): Promise<Counting> {
  const accepted = new Map<Socket, number>();
  const requests: Counting["requests"] = [];
  const server = createServer((req, res) => {
    requests.push({
      authorization: req.headers.authorization,
      connectionAcceptedAt: accepted.get(req.socket)!,
      at: performance.now(),
    });
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ object: "list", data: [] }));
    });
  });
  server.on("connection", (socket: Socket) => {
    accepted.set(socket, performance.now());
    socket.once("close", () => accepted.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    server,
    baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    accepted,
    requests,
    open: () => accepted.size,
  };
}

const KEEP_ALIVE_MS = 300;
let warm: { upstream: Counting; relay: RelayUnderTest };
let cold: { upstream: Counting; relay: RelayUnderTest };

async function start(standby: boolean, warmForMs?: number) {
  const upstream = await countingUpstream();
  const relay = await startRelayUnderTest(upstream.baseURL, {
    upstreamConnection: { keepAliveMs: KEEP_ALIVE_MS, standby, ...(warmForMs && { warmForMs }) },
  });
  return { upstream, relay };
}

beforeAll(async () => {
  warm = await start(true);
  cold = await start(false);
});
afterAll(async () => {
  for (const { upstream, relay } of [warm, cold]) {
    await relay?.relay.stop(100);
    upstream?.server.closeAllConnections();
    await new Promise((resolve) => upstream?.server.close(resolve));
  }
});

/** Asks through the relay with a key, as a person does, and says when the request left. */
async function ask(relay: RelayUnderTest, key: string): Promise<number> {
  const sentAt = performance.now();
  await relay.client(key).models.list();
  return sentAt;
}

describe("a connection to the upstream kept ready", () => {
  it("is open before the first request, with nothing sent on it", async () => {
    await sleep(200);
    expect(warm.upstream.open()).toBe(1);
    expect(warm.upstream.requests).toHaveLength(0);
  });

  it("is ready again after the pool's idle time has passed: the next request needs no new connection", async () => {
    await ask(warm.relay, "sk-test-standby-1");
    await sleep(KEEP_ALIVE_MS * 3); // the pool's own connection has closed
    expect(warm.upstream.open()).toBeGreaterThanOrEqual(1);
    // Only the person's request went upstream; the ready connection carried none.
    expect(warm.upstream.requests.map((r) => r.authorization)).toEqual(["Bearer sk-test-standby-1"]);

    const sentAt = await ask(warm.relay, "sk-test-standby-2");
    const second = warm.upstream.requests[1]!;
    expect(second.authorization).toBe("Bearer sk-test-standby-2");
    expect(second.connectionAcceptedAt).toBeLessThan(sentAt - KEEP_ALIVE_MS);
  });

  it("is re-opened in the background when the upstream drops it", async () => {
    await sleep(KEEP_ALIVE_MS * 4);
    const before = warm.upstream.requests.length;
    const droppedAt = performance.now();
    for (const socket of warm.upstream.accepted.keys()) socket.destroy();
    await sleep(300);
    expect([...warm.upstream.accepted.values()].some((at) => at > droppedAt)).toBe(true);
    expect(warm.upstream.requests).toHaveLength(before);
  });

  it("without it (--no-standby), a request after the idle time waits for a new connection", async () => {
    await ask(cold.relay, "sk-test-standby-3");
    await sleep(KEEP_ALIVE_MS * 3);
    expect(cold.upstream.open()).toBe(0);
    const sentAt = await ask(cold.relay, "sk-test-standby-4");
    expect(cold.upstream.requests[1]!.connectionAcceptedAt).toBeGreaterThan(sentAt);
  });

  it("lapses after a long silence, and is opened again as soon as a caller connects to the relay", async () => {
    const brief = await start(true, 400);
    try {
      await sleep(600); // past the warm window
      for (const socket of brief.upstream.accepted.keys()) socket.destroy();
      await sleep(300);
      expect(brief.upstream.open()).toBe(0);

      // A command opening on the Mac connects first; its request comes later.
      const caller = connect(brief.relay.relay.port, "127.0.0.1");
      await sleep(300);
      expect(brief.upstream.open()).toBe(1);
      expect(brief.upstream.requests).toHaveLength(0);
      caller.destroy();
    } finally {
      await brief.relay.relay.stop(100);
      brief.upstream.server.closeAllConnections();
      await new Promise((resolve) => brief.upstream.server.close(resolve));
    }
  });
});

describe("TLS on the Wi-Fi hop", () => {
  it("lets a returning caller resume its TLS session (one less certificate exchange per new connection)", async () => {
    const { connect: connectTls } = await import("node:tls");
    const port = warm.relay.relay.port;
    // A first connection receives a session ticket (after its handshake, read like data).
    const ticket = await new Promise<Buffer>((resolve, reject) => {
      const socket = connectTls({ host: "127.0.0.1", port, ...warm.relay.tls });
      socket.resume();
      socket.once("session", (session: Buffer) => {
        socket.end();
        resolve(session);
      });
      socket.once("error", reject);
    });
    const reused = await new Promise<boolean>((resolve, reject) => {
      const socket = connectTls({ host: "127.0.0.1", port, ...warm.relay.tls, session: ticket });
      socket.once("secureConnect", () => {
        resolve(socket.isSessionReused());
        socket.end();
      });
      socket.once("error", reject);
    });
    expect(reused).toBe(true);
  });
});
