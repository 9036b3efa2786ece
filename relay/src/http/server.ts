/** The relay's server: TLS 1.3 with its own certificate, bounds on slow callers, relay.json while it listens. */
import type { Server } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { setFlagsFromString } from "node:v8";
import { createApp, type RelayApp } from "./app.js";
import type { RelayConfig } from "../config.js";
import type { RequestLogger } from "./request-log.js";
import { guardConnections, type ConnectionLimits } from "./connection-guard.js";
import {
  prepareSecurity,
  requestSecurity,
  type RelaySecurity,
  type RequestSecurity,
  type SecurityOptions,
} from "../auth/relay-security.js";
import type { RelayIdentity } from "../state/identity.js";
import { nodeHttp } from "../node-http.js";
import { removeRuntimeInfo, runtimeInfo, writeRuntimeInfo } from "../state/runtime-info.js";

/**
 * Time a caller has to send a whole request, headers and body (an upload of tens of MB on a slow
 * Wi-Fi included). Before its token is checked a caller has far less: 10 s for the headers
 * (--headers-timeout), 10 s for a pairing request's body, and a refused request's connection is
 * closed with the answer.
 */
export const REQUEST_MS = 300_000;

/** A relay whatever its processes: the port it answers on, who may use it, and how to stop it. */
export interface Relay {
  /** The port actually bound (useful when configured as 0). */
  port: number;
  /** The relay's identity, paired devices and pairing window. */
  security: RelaySecurity;
  /** Stops accepting, lets requests in flight finish for up to `graceMs`, then closes everything. */
  stop(graceMs?: number): Promise<void>;
}

/** A relay of one process: its server is this process's own. */
export interface RunningRelay extends Relay {
  server: Server;
}

/** Where request lines go, and the share of the relay's bounds a process holds (a worker's, with several). */
export interface ServeOptions {
  log?: RequestLogger | undefined;
  connectionLimits?: Partial<ConnectionLimits> | undefined;
  /** JSON bytes the request bodies being read may hold together; the process's own budget by default. */
  bufferedBytes?: number | undefined;
}

/** A server answering the relay's requests, listening. */
export interface Serving {
  server: Server;
  port: number;
  /** Stops accepting, lets requests in flight finish for up to `graceMs`, then closes everything. */
  stop(graceMs?: number): Promise<void>;
}

/** Answers the relay's requests (TLS 1.3 with its own certificate, unless told otherwise) once it listens. */
export async function serveRequests(
  config: RelayConfig,
  identity: Pick<RelayIdentity, "keyPem" | "certPem">,
  security: RequestSecurity,
  options: ServeOptions = {},
): Promise<Serving> {
  // A person asks every few minutes; meanwhile V8 would drop the bytecode of the request path during idle
  // GCs, and the first token after a silence would wait ~10-15 ms for it to be compiled again (bench, 75 s gaps).
  setFlagsFromString("--no-flush-bytecode");
  // V8 optimises a function after 3,000 calls (500 more after each change of the types it sees): a relay
  // serving a few hundred requests a day would run its request path unoptimised for ever. After 300 (and 50),
  // the first token comes 0.2-0.5 ms sooner after a few hundred requests (bench, one stream at a time).
  setFlagsFromString("--invocation-count-for-turbofan=300");
  setFlagsFromString("--minimum-invocations-after-ic-update=50");
  const relay = createApp(config, { log: options.log, security, bufferedBytes: options.bufferedBytes });
  const server = createServerFor(config, identity, relay);
  // Strangers hold few connections; in a flood, paired devices keep theirs.
  const guard = guardConnections(server, options.connectionLimits);
  security.trustConnection = guard.trust;
  await listen(server, config.host, config.port);
  const stop = async (graceMs = 10_000) => {
    await closeServer(server, graceMs);
    await relay.close();
  };
  return { server, port: (server.address() as AddressInfo).port, stop };
}

/** Starts the relay in this process and resolves once it listens (the API the tests drive). */
export async function startRelay(
  config: RelayConfig,
  log?: RequestLogger,
  securityOptions?: SecurityOptions,
  connectionLimits?: Partial<ConnectionLimits>,
): Promise<RunningRelay> {
  const security = await prepareSecurity(config.home, { pairingTtlMs: config.pairingTtlMs, ...securityOptions });
  const serving = await serveRequests(config, security.identity, requestSecurity(security), { log, connectionLimits });
  writeRuntimeInfo(config.home, runtimeInfo(config, serving.port, security.controlSecret));
  return {
    server: serving.server,
    port: serving.port,
    security,
    async stop(graceMs) {
      removeRuntimeInfo(config.home);
      await serving.stop(graceMs);
    },
  };
}

/** The HTTPS server (or plain HTTP, for development) in front of the app, with its bounds on callers. */
function createServerFor(
  config: RelayConfig,
  identity: Pick<RelayIdentity, "keyPem" | "certPem">,
  relay: RelayApp,
): Server {
  // Slow senders are checked every second (Node's default is every 30 s), so headersTimeout means what it says.
  const checking = { connectionsCheckingInterval: Math.min(1000, config.limits.headersMs / 2) };
  const callback = relay.app.callback();
  const server: Server = config.insecureHttp
    ? nodeHttp.createServer(checking, callback)
    : createTlsServer(
        {
          key: identity.keyPem,
          cert: identity.certPem,
          minVersion: "TLSv1.3",
          handshakeTimeout: 10_000,
          ...checking,
        },
        callback,
      );
  // Node would answer `Expect: 100-continue` itself, before the token is checked: the app answers it instead.
  server.on("checkContinue", callback);
  server.on("upgrade", relay.upgrade);
  // A new caller (a command opening on the Mac) is about to ask: the upstream connection is readied meanwhile.
  server.on("connection", relay.warm);
  // A caller must send its request headers promptly: a slow client cannot hold a socket for long.
  server.headersTimeout = config.limits.headersMs;
  // The whole request (headers and body) must arrive within this; the answer, a stream of minutes, is not bounded by it.
  server.requestTimeout = REQUEST_MS;
  server.keepAliveTimeout = 60_000;
  return server;
}

function listen(server: Server, host: string | undefined, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host, port }, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

/** Stops accepting, lets the answers in flight finish for up to `graceMs`, then closes every connection. */
async function closeServer(server: Server, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  // A kept-alive connection whose answer ends during the grace period is closed as soon as it is idle.
  const sweeper = setInterval(() => server.closeIdleConnections(), 50);
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  timer.unref();
  await closed;
  clearInterval(sweeper);
  clearTimeout(timer);
}
