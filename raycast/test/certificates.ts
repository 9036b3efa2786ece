import "./reflect-shim";
import { webcrypto, X509Certificate } from "node:crypto";
import * as x509 from "@peculiar/x509";

/** A self-signed ECDSA P-256 certificate for a test TLS server. */
export interface TestCertificate {
  certPem: string;
  keyPem: string;
  fingerprint256: string;
}

/** Makes a fresh self-signed certificate (unique subject, as two relays would have). */
export async function makeSelfSignedCertificate(name: string): Promise<TestCertificate> {
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  const algorithm = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Date.now().toString(16),
    name: `CN=${name}`,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86_400_000),
    signingAlgorithm: algorithm,
    keys,
  });
  const pkcs8 = await webcrypto.subtle.exportKey("pkcs8", keys.privateKey);
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${Buffer.from(pkcs8)
    .toString("base64")
    .replace(/(.{64})/g, "$1\n")
    .trim()}\n-----END PRIVATE KEY-----\n`;
  const certPem = cert.toString("pem");
  return { certPem, keyPem, fingerprint256: new X509Certificate(certPem).fingerprint256 };
}
