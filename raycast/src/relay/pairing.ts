import { X509Certificate } from "node:crypto";
import { isIP } from "node:net";
import { connect } from "node:tls";
import { codeMatchesFingerprint, parsePairingCode } from "./pairing-code";
import { parseRelayAddress } from "./address";
import { APIError } from "openai";
import { RELAY_ERROR_TYPE } from "../failures/classify";
import { CertificateMismatchError, PairingCodeError, PairingRefusedError } from "../failures/errors";
import { createRelayTransport, type RelayConnection } from "./transport";

/** What pairing stores in LocalStorage: enough to reach the relay, pinned, and to find it again by id. */
export interface PairedRelay extends RelayConnection {
  relayId: string;
  scheme: "https";
  certificatePem: string;
  fingerprint256: string;
  deviceToken: string;
}

/** The relay's certificate, as seen in a TLS handshake. */
export interface ProbedCertificate {
  certificatePem: string;
  fingerprint256: string;
}

/**
 * Opens TLS to `host:port`, reads the certificate the server shows, and closes the connection
 * without writing a single byte of application data.
 */
export function probeCertificate(host: string, port: number, timeoutMs = 5_000): Promise<ProbedCertificate> {
  const bare = host.replace(/^\[|\]$/g, "");
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: bare,
      port,
      // Not trusted yet: the certificate is checked against the code below, before anything is sent.
      rejectUnauthorized: false,
      minVersion: "TLSv1.3",
      ...(isIP(bare) ? {} : { servername: bare }),
    });
    const timer = setTimeout(() => socket.destroy(new Error(`No TLS answer from ${host}:${port} in time.`)), timeoutMs);
    socket.once("secureConnect", () => {
      const raw = socket.getPeerCertificate().raw;
      socket.destroy();
      clearTimeout(timer);
      if (!raw) return reject(new Error("The relay showed no certificate."));
      const lines = raw.toString("base64").match(/.{1,64}/g) ?? [];
      const certificatePem = `-----BEGIN CERTIFICATE-----\n${lines.join("\n")}\n-----END CERTIFICATE-----\n`;
      resolve({ certificatePem, fingerprint256: new X509Certificate(raw).fingerprint256 });
    });
    socket.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

export interface PairOptions {
  /** As typed or discovered: `192.168.1.20:8787`, `my-pc.local`… */
  address: string;
  /** The code the relay shows. */
  code: string;
  /** How the relay will list this Mac (`passerelle devices`). */
  deviceName: string;
  timeoutMs?: number;
}

/**
 * Why pairing was refused: the relay's own error (marked as such) as the client's `APIError`, which
 * failures/classify.ts takes the relay's code from, as for any other request; else whatever answered, by its status.
 */
function refusal(response: Response, body: { error?: object }): Error {
  const error = APIError.generate(response.status, body, `Pairing refused (${response.status})`, response.headers);
  if (error.type === RELAY_ERROR_TYPE) return error;
  return new PairingRefusedError(`Pairing refused with ${response.status}`, { status: response.status });
}

/**
 * Pairs with a relay: checks that the certificate it shows is the one the code names (before
 * anything is sent), then sends the PIN over a connection pinned to that certificate and receives
 * the device token. A PIN is never sent to a relay that has not proved its certificate.
 */
export async function pairWithRelay(options: PairOptions): Promise<PairedRelay> {
  const code = parsePairingCode(options.code);
  if (!code) throw new PairingCodeError("Not a pairing code");
  const endpoint = parseRelayAddress(options.address, "https");
  const url = new URL(endpoint.origin);
  if (url.protocol !== "https:") throw new Error("Pairing needs the relay's https address.");

  const probed = await probeCertificate(url.hostname, Number(url.port || 443), options.timeoutMs);
  if (!codeMatchesFingerprint(code, probed.fingerprint256))
    throw new CertificateMismatchError(`The relay at ${endpoint.origin} shows another certificate`);

  const pinned: RelayConnection = { address: endpoint.origin, scheme: "https", ...probed };
  const transport = createRelayTransport(pinned);
  try {
    const response = await transport.fetch(`${endpoint.origin}/pair`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ pin: code.pin, name: options.deviceName }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    const body = (await response.json().catch(() => ({}))) as { token?: string; relayId?: string; error?: object };
    if (!response.ok || !body.token || !body.relayId) throw refusal(response, body);
    return {
      relayId: body.relayId,
      address: endpoint.origin,
      scheme: "https",
      certificatePem: probed.certificatePem,
      fingerprint256: probed.fingerprint256,
      deviceToken: body.token,
    };
  } finally {
    await transport.close();
  }
}
