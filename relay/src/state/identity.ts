/** The relay's identity: its key and self-signed certificate, made at first start, and the relay id drawn from it. */
import { randomBytes, webcrypto, X509Certificate } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { relayIdFromFingerprint } from "../auth/pairing-code.js";
import { ensureHome } from "./home.js";
import { withStateLock, writeStateFile } from "./state-file.js";

/** Who the relay is: its key, its self-signed certificate, and the id derived from that certificate. */
export interface RelayIdentity {
  keyPem: string;
  certPem: string;
  /** `AB:CD:…`, SHA-256 of the certificate. */
  fingerprint256: string;
  /** Stable id announced on the network (a prefix of the pairing code). */
  relayId: string;
  /** Where the certificate is, for scripts that must trust it. */
  certPath: string;
}

export const KEY_FILE = "relay-key.pem";
export const CERT_FILE = "relay-cert.pem";

function describe(keyPem: string, certPem: string, certPath: string): RelayIdentity {
  const fingerprint256 = new X509Certificate(certPem).fingerprint256;
  return { keyPem, certPem, fingerprint256, relayId: relayIdFromFingerprint(fingerprint256), certPath };
}

/** Reads the relay's identity from `home`; undefined when it was never created. */
export function readIdentity(home: string): RelayIdentity | undefined {
  const keyPath = join(home, KEY_FILE);
  const certPath = join(home, CERT_FILE);
  if (!existsSync(keyPath) || !existsSync(certPath)) return undefined;
  return describe(readFileSync(keyPath, "utf8"), readFileSync(certPath, "utf8"), certPath);
}

/** Makes an ECDSA P-256 key and a self-signed SHA-256 certificate, by default with a subject name of its own. */
export async function createCertificate(
  subject = `CN=Passerelle ${randomBytes(8).toString("hex")}`,
): Promise<{ keyPem: string; certPem: string }> {
  await import("./reflect-shim.js");
  const x509 = await import("@peculiar/x509");
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const algorithm = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const serial = randomBytes(16);
  serial[0]! &= 0x7f; // a positive serial number
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial.toString("hex"),
    // Two relays must never share a subject name: TLS clients mix up certificates that do.
    name: subject,
    notBefore: new Date(Date.now() - 86_400_000),
    notAfter: new Date(Date.now() + 30 * 365 * 86_400_000),
    signingAlgorithm: algorithm,
    keys,
    // Clients pin the certificate itself; these names only help apps that trust it through the system's store.
    extensions: [
      new x509.SubjectAlternativeNameExtension([
        { type: "dns", value: "localhost" },
        { type: "dns", value: `${hostname().split(".")[0]}.local` },
        { type: "ip", value: "127.0.0.1" },
      ]),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey)).toString("base64");
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g)!.join("\n")}\n-----END PRIVATE KEY-----\n`;
  return { keyPem, certPem: cert.toString("pem") + "\n" };
}

/** The relay's identity, created on first start (private key readable by its owner only). */
export async function loadOrCreateIdentity(home: string): Promise<RelayIdentity> {
  const existing = readIdentity(home);
  if (existing) return existing;
  ensureHome(home);
  const { keyPem, certPem } = await createCertificate();
  // The relay and `pair --cli` may both start on a fresh PC: the first to write wins, the other reads its identity.
  return withStateLock(join(home, CERT_FILE), () => {
    const written = readIdentity(home);
    if (written) return written;
    writeStateFile(join(home, KEY_FILE), keyPem);
    writeStateFile(join(home, CERT_FILE), certPem);
    return describe(keyPem, certPem, join(home, CERT_FILE));
  });
}
