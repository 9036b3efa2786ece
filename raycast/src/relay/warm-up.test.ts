import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { makeSelfSignedCertificate } from "../../test/certificates";
import { raycast } from "../../test/raycast-api-double";
import { PAIRED_RELAY_KEY, type PairedConnection } from "./connection";
import { closeRelayClients, relayClient, relayClientCount } from "./clients";
import { warmUpRelay } from "./warm-up";

// A relay over real TLS whose /health answers late, so that a request made during the warm-up has to wait for it.
const HEALTH_DELAY_MS = 150;
let server: Server;
let relay: PairedConnection;
let handshakes = 0;
const received: { url: string; authorization?: string }[] = [];

beforeAll(async () => {
  const { certPem, keyPem, fingerprint256 } = await makeSelfSignedCertificate(`passerelle-warm-up-${process.pid}`);
  server = createServer({ cert: certPem, key: keyPem, minVersion: "TLSv1.3" }, (req, res) => {
    received.push({ url: req.url ?? "", authorization: req.headers.authorization });
    const answer = () => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(req.url === "/health" ? { status: "ok" } : { object: "list", data: [] }));
    };
    req.resume().on("end", () => (req.url === "/health" ? setTimeout(answer, HEALTH_DELAY_MS) : answer()));
  });
  server.on("secureConnection", () => handshakes++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  relay = {
    address: `https://127.0.0.1:${port}`,
    scheme: "https",
    certificatePem: certPem,
    fingerprint256,
    deviceToken: "psr_warm",
  };
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  raycast.reset();
  raycast.storage.set(PAIRED_RELAY_KEY, JSON.stringify(relay));
  handshakes = 0;
  received.length = 0;
});
afterEach(() => closeRelayClients());

const urls = () => received.map((request) => request.url);
const apiKey = () => String(raycast.preferences.apiKey);

describe("warmUpRelay", () => {
  it("opens the command's connection with a GET /health without the key; a request made meanwhile rides it", async () => {
    const warming = warmUpRelay();
    await expect.poll(urls).toEqual(["/health"]);
    // Made while /health is still unanswered: without waiting, it would open a second connection.
    const models = relayClient(relay, apiKey()).models.list();
    await warming;
    await models;
    expect(urls()).toEqual(["/health", "/v1/models"]);
    expect(handshakes).toBe(1);
    expect(received[0].authorization).toBeUndefined();
    expect(received[1].authorization).toBe(`Bearer ${apiKey()}`);
  });

  it("sends nothing once the command has made a request (its connection is open already)", async () => {
    await relayClient(relay, apiKey()).models.list();
    await warmUpRelay();
    expect(urls()).toEqual(["/v1/models"]);
    expect(handshakes).toBe(1);
  });

  it("does nothing when this Mac is not paired", async () => {
    raycast.storage.delete(PAIRED_RELAY_KEY);
    await warmUpRelay();
    expect(received).toHaveLength(0);
    expect(relayClientCount()).toBe(0);
  });

  it("is silent when the relay cannot be reached, and when it is slower than its timeout", async () => {
    raycast.storage.set(PAIRED_RELAY_KEY, JSON.stringify({ ...relay, address: "https://127.0.0.1:1" }));
    await expect(warmUpRelay()).resolves.toBeUndefined();
    raycast.storage.set(PAIRED_RELAY_KEY, JSON.stringify(relay));
    const started = Date.now();
    await expect(warmUpRelay({ timeoutMs: 20 })).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(HEALTH_DELAY_MS);
  });
});
