import { X509Certificate } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** A self-signed ECDSA P-256 certificate for a test TLS server. */
export interface TestCertificate {
  certPem: string;
  keyPem: string;
  fingerprint256: string;
}

/** The relay's own certificate maker (relay/src/state/identity.ts), the one its identity comes from. */
type CreateCertificate = (subject: string) => Promise<{ keyPem: string; certPem: string }>;

/**
 * Loads one of the relay's modules by path at run time, so that the extension's type-check does not take in the
 * relay's sources (another tsconfig): the mirror of the relay tests' `extensionModule`.
 */
async function relayModule<T>(path: string): Promise<T> {
  // Not `new URL(…, import.meta.url)`: Vite would take that for an asset of the extension.
  const file = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "relay", "src", path);
  return (await import(/* @vite-ignore */ file)) as T;
}

/** Makes a fresh self-signed certificate named `name` (unique names, as two relays have), as the relay makes its own. */
export async function makeSelfSignedCertificate(name: string): Promise<TestCertificate> {
  const { createCertificate } = await relayModule<{ createCertificate: CreateCertificate }>("state/identity.ts");
  const { certPem, keyPem } = await createCertificate(`CN=${name}`);
  return { certPem, keyPem, fingerprint256: new X509Certificate(certPem).fingerprint256 };
}
