import { X509Certificate } from "node:crypto";
import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:tls";
import { createCertificate } from "../../src/state/identity.js";

/** A TLS server posing as a relay: its own key, the same subject name. Counts every byte a client sends it. */
export interface Impostor {
  port: number;
  fingerprint256: string;
  /** Application bytes received, over all connections. */
  received(): number;
  close(): Promise<void>;
}

export async function startImpostor(certPemToImitate: string): Promise<Impostor> {
  const subject = new X509Certificate(certPemToImitate).subject.replace(/\n/g, ", ");
  const { keyPem, certPem } = await createCertificate(subject);
  let bytes = 0;
  const server: Server = createServer({ key: keyPem, cert: certPem, minVersion: "TLSv1.3" }, (socket) => {
    socket.on("data", (chunk: Buffer) => (bytes += chunk.length));
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    fingerprint256: new X509Certificate(certPem).fingerprint256,
    received: () => bytes,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
