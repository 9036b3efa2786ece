import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createApp } from "./app.js";
import type { RelayConfig } from "./config.js";
import type { RequestLogger } from "./request-log.js";

export interface RunningRelay {
  server: Server;
  /** The port actually bound (useful when configured as 0). */
  port: number;
  /** Stops accepting, lets requests in flight finish for up to `graceMs`, then closes everything. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts the relay's HTTP server and resolves once it listens. */
export async function startRelay(config: RelayConfig, log?: RequestLogger): Promise<RunningRelay> {
  const relay = createApp(config, log ? { log } : {});
  const server = createServer(relay.app.callback());
  // A caller must send its request headers promptly: a slow client cannot hold a socket for long.
  server.headersTimeout = 10_000;
  // Streams can last minutes; an idle upstream is bounded by the relay's own idle timeout instead.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 60_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: config.host, port: config.port }, () => {
      server.off("error", reject);
      resolve();
    });
  });

  async function stop(graceMs = 10_000): Promise<void> {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    timer.unref();
    await closed;
    clearTimeout(timer);
    await relay.close();
  }

  return { server, port: (server.address() as AddressInfo).port, stop };
}
