import { fileURLToPath } from "node:url";

/**
 * Loads one of the Raycast extension's plain modules (no React) so that the relay's tests can drive
 * the extension's own client code against a real relay. Loaded by path at run time, so that the
 * relay's type-check does not take in the extension's sources (another module system).
 */
export async function extensionModule<T>(path: string): Promise<T> {
  const file = fileURLToPath(new URL(`../../../raycast/src/${path}`, import.meta.url));
  return (await import(/* @vite-ignore */ file)) as T;
}

export interface ExtensionPairing {
  pairWithRelay(options: { address: string; code: string; deviceName: string; timeoutMs?: number }): Promise<{
    relayId: string;
    address: string;
    scheme: "https";
    certificatePem: string;
    fingerprint256: string;
    deviceToken: string;
  }>;
}

export interface ExtensionPairingCode {
  formatPairingCode(fingerprint256: string, pin: string): string;
  parsePairingCode(text: string): { fingerprintPart: string; pin: string } | undefined;
  relayIdFromFingerprint(fingerprint256: string): string;
  pinFromBytes(bytes: Uint8Array): string;
  codeMatchesFingerprint(code: { fingerprintPart: string; pin: string }, fingerprint256: string): boolean;
}

/** The extension's own failures (raycast/src/failures/errors.ts). */
export interface ExtensionErrors {
  CertificateMismatchError: new (message: string) => Error;
}
