/** The relay's Koa application: each request logged, failures answered in OpenAI's shape, /health, pairing, `/v1`. */
import type { IncomingMessage } from "node:http";
import { createRequire } from "node:module";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import Koa, { type Next, type ParameterizedContext } from "koa";
import type RouterClass from "@koa/router";
import {
  RelayError,
  errorDetail,
  invalidAuthorizationHeader,
  invalidPath,
  notAWebSocket,
  relayInternalError,
  unknownPath,
} from "../errors.js";
import { writeFailure } from "../upstream/failures.js";
import type { ForwardOutcome } from "../upstream/forward.js";
import type { RelayConfig } from "../config.js";
import type { RequestLogEntry, RequestLogger } from "./request-log.js";
import { addPairingRoutes } from "../auth/pairing-routes.js";
import { deviceCheck, type RequestSecurity } from "../auth/relay-security.js";
import { createUpstreams, type RouteNote, type Upstreams } from "../upstream/upstreams.js";
import { version } from "../version.js";
import { passWebSocket, wantsWebSocket, type UpgradeRequest } from "../upstream/websocket.js";
import { nodeHttp } from "../node-http.js";

const require = createRequire(import.meta.url);
/**
 * @koa/router as CommonJS: its ES build imports "node:http" whole, which loads Node's own undici, http2 and zlib
 * (about 10 MB of memory) for nothing the relay uses; see node-http.ts.
 */
const Router = require("@koa/router") as typeof RouterClass;

export interface AppOptions {
  /** Where request lines go; none by default. */
  log?: RequestLogger;
  /** Who may use the relay: paired devices, and the authority over pairing and failures. */
  security: RequestSecurity;
  /** JSON bytes the request bodies being read may hold together; the process's own budget by default. */
  bufferedBytes?: number | undefined;
}

export interface RelayApp {
  app: Koa;
  /** The server's `upgrade` listener: a WebSocket goes through the same checks and log as any request. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** A caller connected: a connection to the upstream is made ready before it asks (nothing is sent on it). */
  warm(): void;
  /** Closes the upstream connections. */
  close(): Promise<void>;
}

/** What a request learns on its way through the app, for its log line (`ctx.state`). */
interface RelayState {
  route: RouteNote;
  outcome?: ForwardOutcome;
  failure?: string;
  detail?: string;
  /** The paired device's name, set by the device check. */
  device?: string;
}

const BEARER = /^Bearer [\x21-\x7e]{1,512}$/;

/** Rejects `.` and `..` segments, raw or percent-encoded, so the upstream path stays under its base. */
function isSafePath(path: string): boolean {
  // Without '.', '%' or '\\' no segment can be (or decode to) '.', '..', or hold a slash.
  if (!/[.%\\]/.test(path)) return true;
  return path.split("/").every((segment) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return false;
    }
    return decoded !== "." && decoded !== ".." && !decoded.includes("/") && !decoded.includes("\\");
  });
}

/**
 * Builds the relay's Koa application. It never listens: `server.ts` does, and tests drive it
 * through a server of their own on port 0.
 */
export function createApp(config: RelayConfig, options: AppOptions): RelayApp {
  const app = new Koa<RelayState>({ proxy: false });
  // Koa's default error printer writes whole errors to stderr; errors here are logged by code only.
  app.silent = true;
  const upstreams = createUpstreams({ ...config, bufferedBytes: options.bufferedBytes });
  /** The raw connections of requests that came through `upgrade`, by request. */
  const upgrades = new WeakMap<IncomingMessage, UpgradeRequest>();

  app.use(answerFailuresAndLog(config.verbose, options.log));
  app.use(v1Route(deviceCheck(options.security), passOn(config, upstreams, upgrades)));
  const router = new Router<RelayState>();
  router.get("/health", (ctx) => {
    // The body limit lets a client refuse a too large request (a file attached) before sending any of it.
    ctx.body = {
      status: "ok",
      version,
      id: options.security.relayId,
      limits: { maxBodyBytes: config.limits.maxBodyBytes },
    };
  });
  addPairingRoutes(router, options.security);
  // No router.allowedMethods(): the 404 below answers every path no route takes, any method.
  app.use(router.routes());
  app.use((ctx) => {
    throw unknownPath(ctx.method, ctx.path);
  });

  return {
    app,
    upgrade: upgradeListener(app.callback(), upgrades, config.limits.headersMs),
    warm: () => upstreams.warm(),
    close: () => upstreams.close(),
  };
}

type RelayContext = ParameterizedContext<RelayState>;

/** The first middleware: any failure becomes the relay's error answer, and every request one log line. */
function answerFailuresAndLog(verbose: boolean, log: RequestLogger | undefined) {
  return async function answerAndLog(ctx: RelayContext, next: Next): Promise<void> {
    const started = performance.now();
    ctx.state.route = {};
    try {
      await next();
      // Answered without reading its body (/health, an unknown path): close rather than wait for the rest.
      if (!ctx.req.complete && !ctx.res.headersSent) ctx.set("connection", "close");
    } catch (error) {
      answerFailure(ctx, error);
    } finally {
      log?.(logEntry(ctx, performance.now() - started, verbose));
    }
  };
}

/** Writes the relay's error answer for a failure thrown by any middleware. */
function answerFailure(ctx: RelayContext, error: unknown): void {
  const relayError = error instanceof RelayError ? error : relayInternalError();
  // The name and code tell what went wrong; the message could quote a request, so it is never logged.
  if (!(error instanceof RelayError)) ctx.state.detail = errorDetail(error);
  ctx.respond = false;
  // Answered before its body arrived: the connection closes rather than wait for the rest.
  if (!ctx.req.complete && !ctx.res.headersSent) ctx.res.setHeader("connection", "close");
  writeFailure(ctx.res, relayError, undefined);
  ctx.state.outcome = { status: relayError.status, bytes: 0, failure: relayError.code } satisfies ForwardOutcome;
}

/** The request's log line: what the app learnt on its way, never a header, a body or a key. */
function logEntry(ctx: RelayContext, durationMs: number, verbose: boolean): RequestLogEntry {
  const { outcome, route } = ctx.state;
  return {
    time: new Date(),
    // An IPv4 caller of a dual-stack socket shows as ::ffff:a.b.c.d; people know it as a.b.c.d.
    address: (ctx.socket.remoteAddress ?? "?").replace(/^::ffff:(?=\d)/, ""),
    method: ctx.method,
    path: ctx.path.length > 200 ? ctx.path.slice(0, 200) + "…" : ctx.path,
    status: outcome?.status || ctx.status,
    durationMs,
    bytes: outcome?.bytes ?? Number(ctx.response.length ?? 0),
    failure: outcome?.failure ?? ctx.state.failure,
    detail: outcome?.detail ?? ctx.state.detail,
    model: route.model,
    ...(verbose && { upstream: route.upstream, firstByteMs: outcome?.firstByteMs, requestId: outcome?.requestId }),
  };
}

/** `/v1` and everything under it, any method, as `router.all("/v1{/*rest}")` would match it. */
const V1_PATH = /^\/v1(?:\/|$)/i;

/**
 * The `/v1` route ahead of the router: the path every token takes, matched with one test instead of the
 * router's walk through its routes (about 0.1 ms before each first token while that code is not yet optimised).
 */
function v1Route(
  checkDevice: (ctx: RelayContext, next: Next) => Promise<void>,
  pass: (ctx: RelayContext) => Promise<void>,
) {
  return function v1(ctx: RelayContext, next: Next): Promise<void> {
    if (!V1_PATH.test(ctx.path)) return next();
    return checkDevice(ctx, () => pass(ctx));
  };
}

/** The `/v1` route, once the device is checked: a checked path and key go on to the upstream, or a WebSocket. */
function passOn(config: RelayConfig, upstreams: Upstreams, upgrades: WeakMap<IncomingMessage, UpgradeRequest>) {
  return async function passToUpstream(ctx: RelayContext): Promise<void> {
    const rest = ctx.path.slice("/v1".length);
    if (!isSafePath(rest)) throw invalidPath();
    const authorization = ctx.get("authorization");
    if (authorization && !BEARER.test(authorization)) throw invalidAuthorizationHeader();
    ctx.respond = false;
    const upgrade = upgrades.get(ctx.req);
    if (!upgrade) {
      ctx.state.outcome = await upstreams.handle(ctx.req, ctx.res, rest + ctx.search, ctx.state.route);
      return;
    }
    // Its body, if any, was never read as HTTP: the connection is not an ordinary request any more.
    if (!wantsWebSocket(ctx.req)) throw notAWebSocket();
    upgrade.accepted();
    ctx.state.route.upstream = "websocket";
    const { upstream, timeouts } = config;
    ctx.state.outcome = await passWebSocket(ctx.req, ctx.res, upgrade, rest + ctx.search, upstream, timeouts);
  };
}

/** The server's `upgrade` listener: the request goes through the app as any other, its raw connection noted. */
function upgradeListener(
  callback: ReturnType<Koa["callback"]>,
  upgrades: WeakMap<IncomingMessage, UpgradeRequest>,
  headersMs: number,
): RelayApp["upgrade"] {
  return function upgrade(req, socket, head) {
    // Node's request deadlines no longer apply to an upgraded connection: until its device is checked it
    // gets the time a caller has for its headers, then it is closed.
    const deadline = setTimeout(() => socket.destroy(), headersMs);
    deadline.unref();
    socket.once("close", () => clearTimeout(deadline));
    // Answers on this connection (a refusal, or any path but /v1) are ordinary HTTP, then the connection
    // is destroyed: ending it alone would leave it, and its place in the connection guard, to the caller.
    const res = new nodeHttp.ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket as Socket);
    res.once("finish", () => {
      clearTimeout(deadline);
      socket.resume();
      (socket as Socket).destroySoon();
    });
    socket.on("error", () => socket.destroy());
    upgrades.set(req, { socket: socket as Socket, head, accepted: () => clearTimeout(deadline) });
    void callback(req, res);
  };
}
