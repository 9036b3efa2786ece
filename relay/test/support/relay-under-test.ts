import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect as connectTls, type PeerCertificate } from "node:tls";
import OpenAI from "openai";
import { Agent, fetch as undiciFetch } from "undici";
import { loadConfig, type RelayConfig } from "../../src/config.js";
import type { RequestLogEntry } from "../../src/http/request-log.js";
import type { SecurityOptions } from "../../src/auth/relay-security.js";
import { startRelay, type RunningRelay } from "../../src/http/server.js";

/** Node TLS options that trust the relay under test, and only it (its certificate, pinned by fingerprint). */
export interface PinnedTls {
  ca: string[];
  checkServerIdentity: (host: string, cert: PeerCertificate) => Error | undefined;
}

export interface RelayUnderTest {
  relay: RunningRelay;
  baseURL: string;
  logs: RequestLogEntry[];
  /** The relay's folder (a fresh temporary one): identity, devices. */
  home: string;
  /** Token of the device paired at start, sent by `client`, `fetch` and `raw`. */
  token: string;
  certificatePem: string;
  /** For `https.request` or `tls.connect`. */
  tls: PinnedTls;
  /** undici dispatcher pinned to the relay's certificate (use with undici's own `fetch`). */
  dispatcher: Agent;
  /** An `openai` client pointed at the relay, as a paired user's script would make it. */
  client(apiKey: string, options?: Partial<ConstructorParameters<typeof OpenAI>[0]>): OpenAI;
  /** `fetch` over the pinned connection, with the device token unless the headers set their own. */
  fetch(url: string, init?: Parameters<typeof undiciFetch>[1]): ReturnType<typeof undiciFetch>;
  /**
   * Sends `text` as raw bytes on a fresh (pinned TLS) connection, for requests no HTTP client would
   * send, and resolves with everything the relay answered until it closed the connection or `waitMs`
   * passed. The device token header is added after the request line unless `text` has one.
   */
  raw(text: string, waitMs?: number): Promise<string>;
}

export interface RelayUnderTestOptions {
  /** Failure throttle, pairing window lengths. */
  security?: SecurityOptions;
  /** Use this folder instead of a fresh one (kept after stop). */
  home?: string;
}

type UndiciInit = NonNullable<Parameters<typeof undiciFetch>[1]>;

/**
 * undici's `fetch` over `dispatcher`. It cannot encode Node's global `FormData` (the `openai` SDK's
 * uploads), so such a body is encoded by the global `Response` first and sent as a stream.
 */
export function pinnedFetch(dispatcher: Agent) {
  const send = (url: string | URL, init: UndiciInit = {}) => {
    if (init.body instanceof globalThis.FormData) {
      const encoded = new Response(init.body);
      const headers = new Headers(init.headers as ConstructorParameters<typeof Headers>[0]);
      headers.set("content-type", encoded.headers.get("content-type")!);
      init = {
        ...init,
        headers: Object.fromEntries(headers),
        body: encoded.body as UndiciInit["body"],
        duplex: "half",
      };
    }
    return undiciFetch(url, { ...init, dispatcher });
  };
  // The SDK checks FormData support with `fetch.Response`: the global one is what encodes it above.
  return Object.assign(send, { Response: globalThis.Response });
}

/** Status code of the first response in a raw answer. */
export function rawStatus(answer: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
}

/**
 * Starts the relay on a free loopback port in front of `upstream`, as users run it: TLS with a fresh
 * identity in a temporary `PASSERELLE_HOME`, one device paired, every helper pinned to its certificate.
 */
export async function startRelayUnderTest(
  upstream: string,
  overrides: Partial<RelayConfig> = {},
  options: RelayUnderTestOptions = {},
): Promise<RelayUnderTest> {
  const home = options.home ?? mkdtempSync(join(tmpdir(), "passerelle-test-"));
  const env = { PASSERELLE_HOME: home };
  const config = { ...loadConfig(["--host", "127.0.0.1", "--port", "0", "--upstream", upstream], env), ...overrides };
  const logs: RequestLogEntry[] = [];
  const relay = await startRelay(config, (entry) => logs.push(entry), options.security);
  const { token } = relay.security.devices.add("test-device", "app");
  const { certPem, fingerprint256 } = relay.security.identity;
  const scheme = config.insecureHttp ? "http" : "https";
  const baseURL = `${scheme}://127.0.0.1:${relay.port}/v1`;

  const tls: PinnedTls = {
    ca: [certPem],
    checkServerIdentity: (_host, cert) =>
      cert.fingerprint256 === fingerprint256 ? undefined : new Error("Not the relay under test's certificate."),
  };
  const dispatcher = new Agent({ connect: tls });
  const fetchPinned = pinnedFetch(dispatcher);
  const stop = relay.stop;
  relay.stop = async (graceMs) => {
    await stop(graceMs);
    await dispatcher.close();
    if (!options.home) rmSync(home, { recursive: true, force: true });
  };

  return {
    relay,
    baseURL,
    logs,
    home,
    token,
    certificatePem: certPem,
    tls,
    dispatcher,
    client: (apiKey, clientOptions = {}) =>
      new OpenAI({
        apiKey,
        baseURL,
        maxRetries: 0,
        fetch: fetchPinned as unknown as typeof globalThis.fetch,
        defaultHeaders: { "X-Passerelle-Token": token },
        ...clientOptions,
      }),
    fetch: (url, init = {}) =>
      fetchPinned(url, {
        ...init,
        headers: { "x-passerelle-token": token, ...(init.headers as Record<string, string> | undefined) },
      }),
    raw: (text, waitMs = 2000) =>
      new Promise((resolve, reject) => {
        const withToken = /^x-passerelle-token:/im.test(text)
          ? text
          : text.replace("\r\n", `\r\nX-Passerelle-Token: ${token}\r\n`);
        const socket = connectTls({ host: "127.0.0.1", port: relay.port, ...tls });
        let answer = "";
        const timer = setTimeout(() => socket.destroy(), waitMs);
        socket.on("data", (chunk: Buffer) => (answer += chunk.toString("latin1")));
        socket.on("error", reject);
        socket.on("close", () => {
          clearTimeout(timer);
          resolve(answer);
        });
        socket.on("secureConnect", () => socket.write(withToken));
      }),
  };
}
