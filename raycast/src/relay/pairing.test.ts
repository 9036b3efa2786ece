import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:tls";
import { APIConnectionError } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeSelfSignedCertificate, type TestCertificate } from "../../test/certificates";
import { formatPairingCode, PIN_CHARS } from "./pairing-code";
import { CertificateMismatchError, PairingCodeError } from "../failures/errors";
import { pairWithRelay, probeCertificate } from "./pairing";
import { createRelayClient } from "./transport";

// Two certificates with the same subject name: the relay's, and an impostor's.
let relay: TestCertificate;
let impostor: TestCertificate;
let server: Server;
let port: number;
let received = 0;

beforeAll(async () => {
  relay = await makeSelfSignedCertificate("Passerelle 0123456789abcdef");
  impostor = await makeSelfSignedCertificate("Passerelle 0123456789abcdef");
  // The impostor answers at the address: it counts every byte a client sends it.
  server = createServer({ key: impostor.keyPem, cert: impostor.certPem, minVersion: "TLSv1.3" }, (socket) => {
    socket.on("data", (chunk: Buffer) => (received += chunk.length));
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

describe("pairing with an impostor", () => {
  it("reads the certificate without sending anything", async () => {
    received = 0;
    const probed = await probeCertificate("127.0.0.1", port);
    expect(probed.fingerprint256).toBe(impostor.fingerprint256);
    expect(probed.certificatePem).toContain("BEGIN CERTIFICATE");
    expect(received).toBe(0);
  });

  it("fails before the PIN is sent when the certificate is not the one the code names", async () => {
    received = 0;
    const code = formatPairingCode(relay.fingerprint256, "ABCDEFGH".slice(0, PIN_CHARS));
    const error = await pairWithRelay({ address: `127.0.0.1:${port}`, code, deviceName: "Mac" }).catch((e) => e);
    expect(error).toBeInstanceOf(CertificateMismatchError);
    expect(received).toBe(0);
  });

  it("refuses a code that is not one, before connecting", async () => {
    await expect(pairWithRelay({ address: `127.0.0.1:${port}`, code: "1234", deviceName: "Mac" })).rejects.toThrow(
      PairingCodeError,
    );
  });
});

describe("a paired Mac meeting an impostor", () => {
  it("refuses it before a single byte of the request is sent", async () => {
    received = 0;
    const client = createRelayClient(
      {
        address: `127.0.0.1:${port}`,
        scheme: "https",
        certificatePem: relay.certPem,
        fingerprint256: relay.fingerprint256,
        deviceToken: "psr_device-token",
      },
      "sk-test-impostor",
      { maxRetries: 0 },
    );
    const error = await client.models.list().catch((e) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(received).toBe(0);
  });
});
