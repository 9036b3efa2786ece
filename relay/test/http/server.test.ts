import { X509Certificate } from "node:crypto";
import { statSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { connect as connectTls } from "node:tls";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import { CERT_FILE, KEY_FILE } from "../../src/state/identity.js";

import { startRelayUnderTest } from "../support/relay-under-test.js";
import { useRelayWithFakeUpstream } from "../support/fixture.js";
import { startImpostor } from "../support/tls-helpers.js";

const t = useRelayWithFakeUpstream();

function plainHttp(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    let answer = "";
    const timer = setTimeout(() => socket.destroy(), 1000);
    socket.on("data", (chunk: Buffer) => (answer += chunk.toString("latin1")));
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(answer);
    });
    socket.write("GET /health HTTP/1.1\r\nHost: relay\r\nConnection: close\r\n\r\n");
  });
}

describe("the relay speaks TLS 1.3 only, with its own certificate", () => {
  it("gives no HTTP answer to plain HTTP on its port", async () => {
    const answer = await plainHttp(t.relay.relay.port);
    expect(answer).not.toContain("HTTP/");
    expect(answer).not.toContain("version");
  });

  it("refuses a client that speaks TLS 1.2 at most", async () => {
    const error = await new Promise<Error>((resolve) => {
      const socket = connectTls({ host: "127.0.0.1", port: t.relay.relay.port, maxVersion: "TLSv1.2", ...t.relay.tls });
      socket.on("secureConnect", () => {
        socket.destroy();
        resolve(new Error("connected"));
      });
      socket.on("error", resolve);
    });
    expect((error as NodeJS.ErrnoException).code).toMatch(/PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL/);
  });

  it("uses an ECDSA P-256 key with a SHA-256 signature, a unique subject name, and a private key only its owner reads", () => {
    const cert = new X509Certificate(t.relay.certificatePem);
    expect(cert.publicKey.asymmetricKeyType).toBe("ec");
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
    expect(cert.subject).toMatch(/^CN=Passerelle [0-9a-f]{16}$/);
    expect(cert.checkIssued(cert)).toBe(true);
    expect(statSync(join(t.relay.home, KEY_FILE)).mode & 0o077).toBe(0);
    expect(statSync(join(t.relay.home, CERT_FILE)).isFile()).toBe(true);
  });

  it("keeps its id and certificate across restarts, and reports its id in /health", async () => {
    const first = t.relay.relay.security.identity;
    const again = await startRelayUnderTest(t.upstream.baseURL, {}, { home: t.relay.home });
    try {
      expect(again.relay.security.identity.fingerprint256).toBe(first.fingerprint256);
      expect(again.relay.security.identity.relayId).toBe(first.relayId);
      expect(first.relayId).toMatch(/^[0-9a-z]{12}$/);
      const health = (await (await again.fetch(again.baseURL.replace(/\/v1$/, "/health"))).json()) as { id: string };
      expect(health.id).toBe(first.relayId);
    } finally {
      await again.relay.stop(100);
    }
  });

  it("is refused by a pinned client when another certificate with the same subject name answers", async () => {
    const impostor = await startImpostor(t.relay.certificatePem);
    try {
      const error = await new Promise<Error>((resolve) => {
        const socket = connectTls({ host: "127.0.0.1", port: impostor.port, ...t.relay.tls });
        socket.on("secureConnect", () => resolve(new Error("connected")));
        socket.on("error", resolve);
      });
      expect(error.message).not.toBe("connected");
      expect(impostor.received()).toBe(0);
    } finally {
      await impostor.close();
    }
  });
});

describe("plain HTTP is for development on this PC only", () => {
  const argv = (...flags: string[]) => loadConfig(["--upstream", "http://127.0.0.1:9/v1", ...flags], {});

  it("needs a flag, and then listens on loopback", () => {
    expect(argv().insecureHttp).toBe(false);
    expect(argv("--insecure-http")).toMatchObject({ insecureHttp: true, host: "127.0.0.1" });
  });

  it("refuses a network address unless forced", () => {
    expect(() => argv("--insecure-http", "--host", "0.0.0.0")).toThrow(ConfigError);
    expect(argv("--insecure-http", "--host", "0.0.0.0", "--force-insecure-http").host).toBe("0.0.0.0");
  });
});

describe("names in the certificate", () => {
  it("lets apps that trust it through the system's store reach the relay as localhost or <pc>.local", async () => {
    const { hostname } = await import("node:os");
    const cert = new X509Certificate(t.relay.certificatePem);
    expect(cert.subjectAltName).toContain("DNS:localhost");
    expect(cert.subjectAltName).toContain(`DNS:${hostname().split(".")[0]}.local`);
    expect(cert.checkHost("localhost")).toBe("localhost");
  });
});
