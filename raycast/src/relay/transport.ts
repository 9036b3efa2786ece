import { X509Certificate } from "node:crypto";
import OpenAI, { APIError } from "openai";
import { Agent, fetch as undiciFetch } from "undici";
import { parseRelayAddress, type RelayEndpoint } from "./address";
import { PinMismatchError } from "../failures/errors";

/** How to reach one relay: what the user typed, or what pairing stored. */
export interface RelayConnection {
  /** As typed or discovered: `192.168.1.20:8787`, `my-pc.local`, `https://x/v1`… */
  address: string;
  scheme: "http" | "https";
  /** The relay's self-signed certificate, trusted for this relay only. */
  certificatePem?: string;
  /** SHA-256 fingerprint the relay's certificate must have (`AB:CD:…`, case and separators ignored). */
  fingerprint256?: string;
  /** Sent as `X-Passerelle-Token` on every request. */
  deviceToken?: string;
}

export const DEVICE_TOKEN_HEADER = "X-Passerelle-Token";

type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** A `fetch` that reaches the relay (pinned when the connection has a certificate), plus the headers it needs. */
export interface RelayTransport {
  endpoint: RelayEndpoint;
  fetch: FetchLike;
  headers: Record<string, string>;
  /** Closes the pinned connection pool, if any. */
  close(): Promise<void>;
}

function normaliseFingerprint(value: string): string {
  return value.replace(/[^0-9a-f]/gi, "").toUpperCase();
}

/** Builds the transport for a connection; `fetchOverride` replaces the network in tests. */
export function createRelayTransport(connection: RelayConnection, fetchOverride?: FetchLike): RelayTransport {
  const endpoint = parseRelayAddress(connection.address, connection.scheme);
  const headers: Record<string, string> = {};
  if (connection.deviceToken) headers[DEVICE_TOKEN_HEADER] = connection.deviceToken;

  if (fetchOverride) return { endpoint, fetch: fetchOverride, headers, close: async () => undefined };
  if (!endpoint.origin.startsWith("https:") || !connection.certificatePem) {
    // undici's fetch rather than the global one, so every path behaves the same (Raycast, Node, tests).
    const plainFetch: FetchLike = (input, init) =>
      undiciFetch(
        input as Parameters<typeof undiciFetch>[0],
        init as Parameters<typeof undiciFetch>[1],
      ) as unknown as Promise<Response>;
    return { endpoint, fetch: plainFetch, headers, close: async () => undefined };
  }

  const pem = connection.certificatePem;
  const wanted = normaliseFingerprint(connection.fingerprint256 ?? new X509Certificate(pem).fingerprint256);
  // Node calls checkServerIdentity for a self-signed certificate only when it is in `ca`; the pin replaces the host check.
  const agent = new Agent({
    connect: {
      ca: [pem],
      checkServerIdentity: (_host, cert) =>
        normaliseFingerprint(cert.fingerprint256 ?? "") === wanted
          ? undefined
          : new PinMismatchError("Another certificate than the paired one"),
    },
  });
  // undici's dispatcher only works with undici's own fetch.
  const pinnedFetch: FetchLike = (input, init) =>
    undiciFetch(input as Parameters<typeof undiciFetch>[0], {
      ...(init as Parameters<typeof undiciFetch>[1]),
      dispatcher: agent,
    }) as unknown as Promise<Response>;
  return { endpoint, fetch: pinnedFetch, headers, close: () => agent.close() };
}

/** Options for {@link createRelayClient}. */
export interface RelayClientOptions {
  /** Replaces the network (tests). */
  fetch?: FetchLike;
  maxRetries?: number;
  timeoutMs?: number;
}

/**
 * A client of its own for one relay (tests, one-off checks): its connection pool lives as long as the process.
 * Commands use `relayClient` (relay/clients.ts), one per relay, reused and closed with the command.
 */
export function createRelayClient(connection: RelayConnection, apiKey: string, options: RelayClientOptions = {}) {
  return clientOver(createRelayTransport(connection, options.fetch), apiKey, options);
}

/** The official OpenAI client over a transport to the relay, with the user's key, the pin and the device token. */
export function clientOver(transport: RelayTransport, apiKey: string, options: RelayClientOptions = {}): OpenAI {
  return new OpenAI({
    apiKey,
    baseURL: transport.endpoint.baseURL,
    defaultHeaders: transport.headers,
    fetch: transport.fetch,
    maxRetries: options.maxRetries ?? 1,
    timeout: options.timeoutMs ?? 60_000,
  });
}

/** What `GET /health` said and how long it took. */
export interface RelayHealth {
  version: string;
  latencyMs: number;
  /** The largest request body the relay accepts (its `--max-body`), when it says so. */
  maxBodyBytes?: number;
}

/**
 * The one `GET /health` (outside `/v1`): over `transport` (a connection of its own, or the command's kept one for a
 * warm-up), with the device token and never the key. Reads the answer to its end. Throws like `fetch` when the
 * relay cannot be reached, and an answer with an error status as the client's `APIError`, so that describeFailure
 * words it (a relay's code, or "not a relay" for a 404).
 */
export async function relayHealth(transport: RelayTransport, signal: AbortSignal): Promise<RelayHealth> {
  const started = performance.now();
  const response = await transport.fetch(`${transport.endpoint.origin}/health`, { headers: transport.headers, signal });
  const latencyMs = Math.round(performance.now() - started);
  if (!response.ok) {
    const body = (await response.json().catch(() => undefined)) as object | undefined;
    throw APIError.generate(
      response.status,
      body,
      `The relay answered ${response.status} to /health.`,
      response.headers,
    );
  }
  const body = (await response.json()) as { status?: string; version?: string; limits?: { maxBodyBytes?: unknown } };
  if (body.status !== "ok") throw new Error("The relay says it is not ready.");
  const maxBodyBytes = body.limits?.maxBodyBytes;
  return {
    version: body.version ?? "unknown",
    latencyMs,
    ...(typeof maxBodyBytes === "number" && maxBodyBytes > 0 && { maxBodyBytes }),
  };
}

/** Asks a relay's `GET /health` over a connection of its own, closed after. */
export async function checkRelayHealth(
  connection: RelayConnection,
  options: { fetch?: FetchLike; signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<RelayHealth> {
  const transport = createRelayTransport(connection, options.fetch);
  try {
    return await relayHealth(transport, options.signal ?? AbortSignal.timeout(options.timeoutMs ?? 5_000));
  } finally {
    await transport.close();
  }
}
