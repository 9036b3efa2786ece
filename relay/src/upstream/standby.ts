/** One connection to the upstream kept open ahead of requests, for a quick first token after a silence. */
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

const LONGEST_BACKOFF_MS = 60_000;

/** The connection kept ready, and how to stop watching it once it is handed over or dropped. */
interface Spare {
  socket: Socket;
  openedAt: number;
  release(): void;
}

/**
 * The first token after minutes of silence costs a TCP connect and a TLS handshake to the upstream (tens of
 * milliseconds on the internet) once the pool's kept-alive connections have closed. This keeps one
 * connection opened ahead, re-opened in the background whenever the upstream drops it, for `warmForMs`
 * after the last request. Only the connection is made: no request, so no key, goes upstream before a
 * person asks. An upstream that cannot be reached is retried with growing pauses, silently (the request
 * that needs it reports the failure).
 */
export class StandbyConnector {
  private readonly base: BuildConnector.connector;
  private readonly target: BuildConnector.Options;
  private spare: Spare | undefined;
  private opening = false;
  private closed = false;
  private warmUntil = 0;
  private backoffMs = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly options: StandbyOptions;

  constructor(upstream: URL, options: StandbyOptions) {
    this.options = options;
    this.base = buildConnector({ timeout: options.connectMs });
    const https = upstream.protocol === "https:";
    this.target = {
      hostname: upstream.hostname.replace(/^\[(.*)\]$/, "$1"),
      host: upstream.host,
      protocol: upstream.protocol,
      port: upstream.port || (https ? "443" : "80"),
      servername: undefined as unknown as string,
    };
  }

  /** The connector for undici's Pool: hands over the ready connection when there is one. */
  readonly connect: BuildConnector.connector = (opts, callback) => {
    const socket = this.take();
    // The pool now holds the one that was ready (or opens its own): another is opened for the next request.
    this.warm();
    if (!socket) return this.base(opts, callback);
    queueMicrotask(() => callback(null, socket));
  };

  /** A person is about to ask (a caller connected, a request came): have a connection ready, and keep one. */
  warm(): void {
    this.warmUntil = performance.now() + this.options.warmForMs;
    if (!this.spare && !this.opening && !this.closed) this.schedule(0);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    const ready = this.spare;
    this.spare = undefined;
    ready?.release();
    ready?.socket.destroy();
  }

  private wanted(): boolean {
    return !this.closed && performance.now() < this.warmUntil;
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refill(), ms);
    this.timer.unref();
  }

  /** The next pause after a failure: doubled, from 1 s up to a minute. */
  private longerBackoff(): number {
    this.backoffMs = Math.min(LONGEST_BACKOFF_MS, Math.max(1000, this.backoffMs * 2));
    return this.backoffMs;
  }

  private refill(): void {
    if (this.spare || this.opening || !this.wanted()) return;
    this.opening = true;
    this.base(this.target, (error, socket) => {
      this.opening = false;
      if (error || !socket || this.closed) {
        socket?.destroy();
        const pause = this.longerBackoff();
        if (!this.closed) this.schedule(pause);
        return;
      }
      this.keep(socket as Socket);
    });
  }

  private keep(socket: Socket): void {
    const openedAt = performance.now();
    // Not what keeps the relay running, and read by nobody until handed over.
    socket.unref();
    const drop = () => {
      if (this.spare?.socket !== socket) return;
      release();
      this.spare = undefined;
      socket.destroy();
      // An upstream that closes at once is not asked again at once.
      const early = performance.now() - openedAt < 1000;
      this.backoffMs = early ? this.longerBackoff() : 0;
      this.schedule(this.backoffMs || 50);
    };
    const age = setTimeout(drop, this.options.maxAgeMs);
    age.unref();
    const release = () => {
      clearTimeout(age);
      socket.off("close", drop).off("end", drop).off("error", drop).off("data", drop);
    };
    // Anything from the upstream before a request (or its goodbye) makes the connection unfit to use.
    socket.once("close", drop).once("end", drop).once("error", drop).once("data", drop);
    this.spare = { socket, openedAt, release };
  }

  /** The ready connection, if it is still fit to carry a request. */
  private take(): Socket | undefined {
    const ready = this.spare;
    if (!ready) return undefined;
    this.spare = undefined;
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
}
