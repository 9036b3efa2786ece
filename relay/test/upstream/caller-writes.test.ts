import { createServer as createHttpsServer, type Server } from "node:https";
import type { ServerResponse } from "node:http";
import { createServer as createTcpServer, connect as connectTcp, type AddressInfo, type Socket } from "node:net";
import { connect as connectTls, getCACertificates, setDefaultCACertificates, type TLSSocket } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCertificate } from "../../src/state/identity.js";
import { startRelayUnderTest, type RelayUnderTest } from "../support/relay-under-test.js";

const event = (n: number) => `data: {"choices":[{"delta":{"content":"w${n}"}}]}\n\n`;

/**
 * OpenAI over TLS, answering one stream whose events the test sends one by one: each `send` is a
 * write of its own, so a TLS record of its own.
 */
async function tlsUpstream(): Promise<{ port: number; send(text: string): void; end(): void; close(): void }> {
  const { keyPem, certPem } = await createCertificate();
  // The relay trusts the system's certificates; this process's default list gains the fake upstream's.
  setDefaultCACertificates([...getCACertificates("default"), certPem]);
  let res: ServerResponse | undefined;
  let answering: () => void = () => undefined;
  const answered = new Promise<void>((resolve) => (answering = resolve));
  const server: Server = createHttpsServer({ key: keyPem, cert: certPem }, (req, response) => {
    req.resume();
    res = response;
    response.writeHead(200, { "content-type": "text/event-stream" });
    answering();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    send: (text) => void answered.then(() => res!.write(text)),
    end: () => void answered.then(() => res!.end()),
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/**
 * A TCP hop between the relay and its upstream that can hold what the upstream sends and hand it all on in
 * one write, as a busy relay finds several of the upstream's records waiting in one read.
 */
async function holdingHop(target: number): Promise<{ port: number; hold(): void; release(): number; close(): void }> {
  let holding = false;
  let held: Buffer[] = [];
  let toRelay: Socket | undefined;
  const server = createTcpServer((relaySide) => {
    toRelay = relaySide;
    const upstreamSide = connectTcp(target, "127.0.0.1");
    relaySide.pipe(upstreamSide);
    upstreamSide.on("data", (chunk: Buffer) => (holding ? held.push(chunk) : relaySide.write(chunk)));
    relaySide.on("error", () => upstreamSide.destroy());
    upstreamSide.on("error", () => relaySide.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    hold: () => void (holding = true),
    /** Hands on what was held, in one write; the number of TLS records in it. */
    release: () => {
      holding = false;
      const bytes = Buffer.concat(held);
      held = [];
      toRelay!.write(bytes);
      let records = 0;
      for (let at = 0; at + 5 <= bytes.length; at += 5 + bytes.readUInt16BE(at + 3)) records++;
      return records;
    },
    close: () => server.close(),
  };
}

/** A streamed request on a raw TLS connection to the relay; `records` are the TLS records received, as text. */
function rawStream(relay: RelayUnderTest): Promise<{ records: string[]; socket: TLSSocket; next(): Promise<void> }> {
  const { port } = new URL(relay.baseURL);
  const socket = connectTls({ host: "127.0.0.1", port: Number(port), ...relay.tls });
  socket.on("error", () => undefined);
  const records: string[] = [];
  let arrived: () => void = () => undefined;
  // One 'data' event per TLS record: the TLS layer hands each record's plaintext over on its own.
  socket.on("data", (chunk: Buffer) => {
    records.push(chunk.toString("latin1"));
    arrived();
  });
  const body = JSON.stringify({ model: "gpt-4.1-mini", stream: true, messages: [] });
  socket.write(
    `POST /v1/chat/completions HTTP/1.1\r\nhost: relay\r\nauthorization: Bearer sk-test-turns\r\n` +
      `x-passerelle-token: ${relay.token}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
  );
  const next = () => new Promise<void>((resolve) => (arrived = resolve));
  return new Promise((resolve) => socket.once("secureConnect", () => resolve({ records, socket, next })));
}

describe("writes towards the caller", () => {
  let upstream: Awaited<ReturnType<typeof tlsUpstream>>;
  let hop: Awaited<ReturnType<typeof holdingHop>>;
  let relay: RelayUnderTest;

  beforeAll(async () => {
    upstream = await tlsUpstream();
    hop = await holdingHop(upstream.port);
    relay = await startRelayUnderTest(`https://127.0.0.1:${hop.port}/v1`, {
      upstreamConnection: { keepAliveMs: 30_000, standby: false },
    });
  });
  afterAll(async () => {
    await relay.relay.stop(100);
    hop.close();
    upstream.close();
  });

  it("sends a lone event at once, and events that arrive together in one TLS record and one write", async () => {
    const stream = await rawStream(relay);
    let arrived = stream.next();
    upstream.send(event(1));
    await arrived;
    // Each lone event, sent only once the one before has reached the caller: none waits for a next one.
    for (const n of [2, 3]) {
      arrived = stream.next();
      upstream.send(event(n));
      await arrived;
    }
    const before = stream.records.length;
    hop.hold();
    // Five events, each written on a turn of its own: five TLS records, which reach the relay in one read.
    for (const n of [4, 5, 6, 7, 8]) {
      upstream.send(event(n));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    arrived = stream.next();
    expect(hop.release()).toBe(5);
    await arrived;
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Five records in, two out: the first at once, the four the same read brought after it in one record
    // (Node's response corks its socket until the next tick).
    const burst = stream.records.slice(before);
    expect(burst.length).toBeLessThanOrEqual(2);
    expect(burst[0]).toContain('"w4"');
    const together = burst.join("");
    for (const n of [5, 6, 7, 8]) expect(together.indexOf(`"w${n}"`)).toBeGreaterThan(together.indexOf(`"w${n - 1}"`));
    upstream.send("data: [DONE]\n\n");
    upstream.end();
    while (!stream.records.join("").endsWith("0\r\n\r\n")) await stream.next();
    stream.socket.destroy();
    const text = stream.records.join("");
    expect(text.indexOf('"w1"')).toBeLessThan(text.indexOf('"w8"'));
    expect(text).toContain("data: [DONE]");
  });
});
