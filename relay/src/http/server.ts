/** The relay's server: TLS 1.3 with its own certificate, bounds on slow callers, relay.json while it listens. */
import { createServer, type Server } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { setFlagsFromString } from "node:v8";
import { createApp, type RelayApp } from "./app.js";
import type { RelayConfig } from "../config.js";
import type { RequestLogger } from "./request-log.js";
import { guardConnections, type ConnectionLimits } from "./connection-guard.js";
import { prepareSecurity, type RelaySecurity, type SecurityOptions } from "../auth/relay-security.js";
import { removeRuntimeInfo, writeRuntimeInfo } from "../state/runtime-info.js";

/**
 * Time a caller has to send a whole request, headers and body (an upload of tens of MB on a slow
 * Wi-Fi included). Before its token is checked a caller has far less: 10 s for the headers
 * (--headers-timeout), 10 s for a pairing request's body, and a refused request's connection is
 * closed with the answer.
 */
export const REQUEST_MS = 300_000;

export interface RunningRelay {
  server: Server;
  /** The port actually bound (useful when configured as 0). */
  port: number;
  /** The relay's identity, paired devices and pairing window. */
  security: RelaySecurity;
  /** Stops accepting, lets requests in flight finish for up to `graceMs`, then closes everything. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts the relay's server (TLS 1.3 with its own certificate, unless told otherwise) and resolves once it listens. */
export async function startRelay(
  config: RelayConfig,
  log?: RequestLogger,
  securityOptions?: SecurityOptions,
  connectionLimits?: Partial<ConnectionLimits>,
): Promise<RunningRelay> {
  // A person asks every few minutes; meanwhile V8 would drop the bytecode of the request path during idle
  // GCs, and the first token after a silence would wait ~10-15 ms for it to be compiled again (bench, 75 s gaps).
  setFlagsFromString("--no-flush-bytecode");
  const security = await prepareSecurity(config.home, securityOptions);
  const relay = createApp(config, log ? { log, security } : { security });
  const server = createServerFor(config, security, relay);
  // Strangers hold few connections; in a flood, paired devices keep theirs.
  const guard = guardConnections(server, connectionLimits);
  security.trustConnection = guard.trust;
  await listen(server, config.host, config.port);

  const port = (server.address() as AddressInfo).port;
  const local = !config.host || config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  writeRuntimeInfo(config.home, {
    pid: process.pid,
    port,
    host: local,
    scheme: config.insecureHttp ? "http" : "https",
    control: security.controlSecret,
  });

  async function stop(graceMs = 10_000): Promise<void> {
    removeRuntimeInfo(config.home);
    await closeServer(server, graceMs);
    await relay.close();
  }

  return { server, port, security, stop };
}

/** The HTTPS server (or plain HTTP, for development) in front of the app, with its bounds on callers. */
function createServerFor(config: RelayConfig, security: RelaySecurity, relay: RelayApp): Server {
  // Slow senders are checked every second (Node's default is every 30 s), so headersTimeout means what it says.
  const checking = { connectionsCheckingInterval: Math.min(1000, config.limits.headersMs / 2) };
  const callback = relay.app.callback();
  const server: Server = config.insecureHttp
    ? createServer(checking, callback)
    : createTlsServer(
        {
          key: security.identity.keyPem,
          cert: security.identity.certPem,
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
