import type { Socket } from "node:net";
import type { buildConnector as BuildConnector } from "undici";
import { buildConnector } from "./pool.js";

export interface StandbyOptions {
  /** Opening the TCP/TLS connection. */
  connectMs: number;
  /** A standby connection older than this is replaced, so none is handed over just as the upstream drops it. */
  maxAgeMs: number;
  /** Connections are kept ready for this long after the last sign of a person (a request, a new caller). */
  warmForMs: number;
}

/** An undici connector that keeps one connection to the upstream open and ready, with nothing sent on it. */
export interface StandbyConnector {
  /** The connector for undici's Pool: hands over the ready connection when there is one. */
  connect: BuildConnector.connector;
  /** A person is about to ask (a caller connected, a request came): have a connection ready, and keep one. */
  warm(): void;
  close(): void;
}

const LONGEST_BACKOFF_MS = 60_000;

/**
 * The first token after minutes of silence costs a TCP connect and a TLS handshake to the upstream (tens of
 * milliseconds on the internet) once the pool's kept-alive connections have closed. This keeps one
 * connection opened ahead, re-opened in the background whenever the upstream drops it, for `warmForMs`
 * after the last request. Only the connection is made: no request, so no key, goes upstream before a
 * person asks. An upstream that cannot be reached is retried with growing pauses, silently (the request
 * that needs it reports the failure).
 */
export function createStandbyConnector(upstream: URL, options: StandbyOptions): StandbyConnector {
  const base = buildConnector({ timeout: options.connectMs });
  const https = upstream.protocol === "https:";
  const hostname = upstream.hostname.replace(/^\[(.*)\]$/, "$1");
  const target = {
    hostname,
    host: upstream.host,
    protocol: upstream.protocol,
    port: upstream.port || (https ? "443" : "80"),
    servername: undefined as unknown as string,
  };
  let spare: { socket: Socket; openedAt: number; release(): void } | undefined;
  let opening = false;
  let closed = false;
  let warmUntil = 0;
  let backoffMs = 0;
  let timer: NodeJS.Timeout | undefined;

  const wanted = () => !closed && performance.now() < warmUntil;

  function schedule(ms: number) {
    clearTimeout(timer);
    timer = setTimeout(refill, ms);
    timer.unref();
  }

  function refill() {
    if (spare || opening || !wanted()) return;
    opening = true;
    base(target, (error, socket) => {
      opening = false;
      if (error || !socket || closed) {
        socket?.destroy();
        backoffMs = Math.min(LONGEST_BACKOFF_MS, Math.max(1000, backoffMs * 2));
        if (!closed) schedule(backoffMs);
        return;
      }
      keep(socket as Socket);
    });
  }

  function keep(socket: Socket) {
    const openedAt = performance.now();
    // Not what keeps the relay running, and read by nobody until handed over.
    socket.unref();
    const drop = () => {
      if (spare?.socket !== socket) return;
      release();
      spare = undefined;
      socket.destroy();
      // An upstream that closes at once is not asked again at once.
      backoffMs = performance.now() - openedAt < 1000 ? Math.min(LONGEST_BACKOFF_MS, Math.max(1000, backoffMs * 2)) : 0;
      schedule(backoffMs || 50);
    };
    const age = setTimeout(drop, options.maxAgeMs);
    age.unref();
    const release = () => {
      clearTimeout(age);
      socket.off("close", drop).off("end", drop).off("error", drop).off("data", drop);
    };
    // Anything from the upstream before a request (or its goodbye) makes the connection unfit to use.
    socket.once("close", drop).once("end", drop).once("error", drop).once("data", drop);
    spare = { socket, openedAt, release };
  }

  /** The ready connection, if it is still fit to carry a request. */
  function take(): Socket | undefined {
    const ready = spare;
    if (!ready) return undefined;
    spare = undefined;
    ready.release();
    const { socket } = ready;
    if (socket.destroyed || !socket.writable || socket.readableEnded) {
      socket.destroy();
      return undefined;
    }
    // Listening for 'data' made it flowing; undici reads on 'readable', and nothing may be lost in between.
    socket.pause();
    socket.ref();
    return socket;
  }

  function warm() {
    warmUntil = performance.now() + options.warmForMs;
    if (!spare && !opening && !closed) schedule(0);
  }

  const connect: BuildConnector.connector = (opts, callback) => {
    const socket = take();
    // The pool now holds the one that was ready (or opens its own): another is opened for the next request.
    warm();
    if (!socket) return base(opts, callback);
    queueMicrotask(() => callback(null, socket));
  };

  return {
    connect,
    warm,
    close() {
      closed = true;
      clearTimeout(timer);
      const ready = spare;
      spare = undefined;
      ready?.release();
      ready?.socket.destroy();
    },
  };
}
