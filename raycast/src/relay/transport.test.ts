import { RELAY_ERROR_TYPE } from "../failures/classify";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { APIConnectionError } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeSelfSignedCertificate, type TestCertificate } from "../../test/certificates";
import { describeFailure } from "../failures/describe";
import { PinMismatchError } from "../failures/errors";
import { checkRelayHealth, createRelayClient, type RelayConnection } from "./transport";

let relayCert: TestCertificate;
let otherCert: TestCertificate;
let server: Server;
let port: number;
const seen: { url: string; token: string | undefined; authorization: string | undefined }[] = [];

beforeAll(async () => {
  relayCert = await makeSelfSignedCertificate("passerelle-relay-test");
  otherCert = await makeSelfSignedCertificate("passerelle-other-test");
  server = createServer({ key: relayCert.keyPem, cert: relayCert.certPem, minVersion: "TLSv1.3" }, (req, res) => {
    seen.push({
      url: req.url ?? "",
      token: req.headers["x-passerelle-token"] as string | undefined,
      authorization: req.headers.authorization,
    });
    res.setHeader("content-type", "application/json");
    if (req.url === "/health") res.end(JSON.stringify({ status: "ok", version: "1.2.3" }));
    else
      res.end(JSON.stringify({ object: "list", data: [{ id: "gpt-4.1-mini", object: "model", owned_by: "openai" }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function pinnedTo(cert: TestCertificate, extra: Partial<RelayConnection> = {}): RelayConnection {
  return {
    address: `127.0.0.1:${port}`,
    scheme: "https",
    certificatePem: cert.certPem,
    fingerprint256: cert.fingerprint256,
    deviceToken: "device-token-123",
    ...extra,
  };
}

describe("createRelayClient over TLS", () => {
  it("accepts the pinned certificate and sends the key and the device token", async () => {
    seen.length = 0;
    const client = createRelayClient(pinnedTo(relayCert), "sk-test-abc", { maxRetries: 0 });
    const models = await client.models.list();
    expect(models.data.map((model) => model.id)).toEqual(["gpt-4.1-mini"]);
    expect(seen).toEqual([{ url: "/v1/models", token: "device-token-123", authorization: "Bearer sk-test-abc" }]);
  });

  it("accepts a fingerprint written in lower case without colons", async () => {
    const fingerprint = relayCert.fingerprint256.replace(/:/g, "").toLowerCase();
    const client = createRelayClient(pinnedTo(relayCert, { fingerprint256: fingerprint }), "sk-test-abc", {
      maxRetries: 0,
    });
    await expect(client.models.list()).resolves.toBeDefined();
  });

  it("refuses another certificate before any request reaches the server", async () => {
    seen.length = 0;
    const client = createRelayClient(pinnedTo(otherCert), "sk-test-abc", { maxRetries: 0 });
    const error = await client.models.list().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(seen).toEqual([]);
  });

  it("refuses the right certificate with the wrong pin, with the pin error in the cause chain", async () => {
    seen.length = 0;
    const client = createRelayClient(pinnedTo(relayCert, { fingerprint256: otherCert.fingerprint256 }), "sk-test-abc", {
      maxRetries: 0,
    });
    const error = await client.models.list().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(APIConnectionError);
    let cause: unknown = error;
    const chain: unknown[] = [];
    while (cause instanceof Error) {
      chain.push(cause);
      cause = cause.cause;
    }
    expect(chain.some((link) => link instanceof PinMismatchError)).toBe(true);
    expect(seen).toEqual([]);
  });
});

describe("checkRelayHealth", () => {
  it("reads the version over the pinned connection, outside /v1", async () => {
    seen.length = 0;
    const health = await checkRelayHealth(pinnedTo(relayCert));
    expect(health.version).toBe("1.2.3");
    expect(health.latencyMs).toBeGreaterThanOrEqual(0);
    expect(seen.map((request) => request.url)).toEqual(["/health"]);
  });

  it("fails when nothing listens", async () => {
    await expect(checkRelayHealth({ address: "127.0.0.1:9", scheme: "http" }, { timeoutMs: 2000 })).rejects.toThrow();
  });
});

describe("checkRelayHealth's failures", () => {
  it("raises what the client would for the same answer, so the one failure path words it", async () => {
    const notARelay = await checkRelayHealth(pinnedTo(relayCert), {
      fetch: async () => new Response("Not Found", { status: 404 }),
    }).catch((error: unknown) => error);
    expect(describeFailure(notARelay).title).toBe("Not a relay at this address");
    const busy = await checkRelayHealth(pinnedTo(relayCert), {
      fetch: async () =>
        new Response(JSON.stringify({ error: { message: "busy", type: RELAY_ERROR_TYPE, code: "relay_busy" } }), {
          status: 503,
          headers: { "content-type": "application/json", "retry-after": "2" },
        }),
    }).catch((error: unknown) => error);
    expect(describeFailure(busy)).toMatchObject({ title: "Relay busy", message: expect.stringContaining("2 s") });
  });
});
