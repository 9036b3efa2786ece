/** WebSockets (the Realtime API) passed through byte for byte once the upstream switches protocols. */
import type { ClientRequest, IncomingMessage, ServerResponse } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { upstreamRedirect } from "../errors.js";
import { upstreamFailure, writeFailure, type UpstreamTimeouts } from "./failures.js";
import { CALLER_LEFT_STATUS, upstreamTarget, type ForwardOutcome } from "./forward.js";
import { callerResponseHeaders, upstreamRequestHeaders } from "./headers.js";
import { errors } from "./pool.js";
import { nodeHttp } from "../node-http.js";

/** The raw connection of a caller asking for a WebSocket, as the server's `upgrade` event gives it. */
export interface UpgradeRequest {
  socket: Socket;
  /** Bytes the caller sent after its request headers (the first frames, if it did not wait). */
  head: Buffer;
  /** The caller showed a paired device's token: the connection is no longer bound by the headers deadline. */
  accepted(): void;
}

/** Whether the caller asks for a WebSocket (the Realtime API, the Responses API's WebSocket mode). */
export function wantsWebSocket(req: IncomingMessage): boolean {
  return req.method === "GET" && req.headers.upgrade?.toLowerCase() === "websocket";
}

/** Response headers never passed back on a 101: cookies are the upstream's business with no one here. */
const NOT_RETURNED = new Set(["set-cookie"]);

/**
 * The 101 as the upstream sent it, for the caller: the WebSocket handshake's headers (`Sec-WebSocket-Accept`,
 * the chosen protocol and extensions) must arrive unchanged, since the frames after them are the upstream's.
 */
function switchingProtocols(answer: IncomingMessage): string {
  let text = "HTTP/1.1 101 Switching Protocols\r\n";
  const raw = answer.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    if (!NOT_RETURNED.has(raw[i]!.toLowerCase())) text += `${raw[i]}: ${raw[i + 1]}\r\n`;
  }
  return text + "\r\n";
}

/**
 * Passes a WebSocket through to `upstream` once the caller's device and path have been checked: the
 * caller's handshake goes on with its `Authorization` (the device token already removed), and after the
 * upstream's 101 the two connections are joined byte for byte, frames never read, re-framed or held.
 * A close or drop on either side ends the other at once; `timeouts.idleMs` without a byte either way
 * ends both. A refusal (401, 404…) comes back as the upstream sent it. Resolves when the caller's
 * connection is closed.
 */
export function passWebSocket(
  req: IncomingMessage,
  res: ServerResponse,
  caller: UpgradeRequest,
  path: string,
  upstream: URL,
  timeouts: UpstreamTimeouts,
): Promise<ForwardOutcome> {
  const session: Session = {
    caller,
    res,
    upstream,
    timeouts,
    handshake: handshakeRequest(req, upstream, path),
    outcome: { status: 0, bytes: 0 },
    sentAt: performance.now(),
    failed: false,
  };
  const { handshake } = session;
  return new Promise((resolve) => {
    boundHandshake(session);
    caller.socket.once("close", () => resolve(ended(session)));
    caller.socket.on("error", () => caller.socket.destroy());
    handshake.once("upgrade", (answer: IncomingMessage, socket: Socket, head: Buffer) =>
      join(session, answer, socket, head),
    );
    handshake.once("response", (answer: IncomingMessage) => passAnswer(session, answer));
    handshake.on("error", (error) => fail(session, error));
    handshake.end();
  });
}

/** One WebSocket on its way through: the caller's connection, the upstream's handshake, then its connection. */
interface Session {
  caller: UpgradeRequest;
  /** Where an answer other than a 101 is written (a relay error, the upstream's refusal). */
  res: ServerResponse;
  upstream: URL;
  timeouts: UpstreamTimeouts;
  handshake: ClientRequest;
  outcome: ForwardOutcome;
  sentAt: number;
  /** The upstream's connection, once it switched protocols. */
  upgraded?: Duplex;
  timer?: NodeJS.Timeout;
  failed: boolean;
}

/** The caller's handshake as it goes to the upstream, its device token already removed. */
function handshakeRequest(req: IncomingMessage, upstream: URL, path: string): ClientRequest {
  const headers = upstreamRequestHeaders(req.headers);
  headers.connection = "Upgrade";
  headers.upgrade = "websocket";
  const send = upstream.protocol === "https:" ? httpsRequest : nodeHttp.request;
  return send(upstream.origin + upstreamTarget(upstream)(path), { method: "GET", headers, agent: false });
}

/** Bounded as any request: connecting, then the upstream's answer to the handshake. */
function boundHandshake(session: Session): void {
  const { timeouts, upstream } = session;
  const wait = (ms: number, error: () => Error) => {
    clearTimeout(session.timer);
    session.timer = setTimeout(() => fail(session, error()), ms);
  };
  wait(timeouts.connectMs, () => new errors.ConnectTimeoutError());
  session.handshake.once("socket", (socket) => {
    socket.once(upstream.protocol === "https:" ? "secureConnect" : "connect", () =>
      wait(timeouts.firstByteMs, () => new errors.HeadersTimeoutError()),
    );
  });
}

/** The handshake failed (or a session broke): the caller gets the relay's error, or loses its connection. */
function fail(session: Session, error: unknown): void {
  clearTimeout(session.timer);
  // Destroying the request may raise a second error ("socket hang up"): the first one says what happened.
  if (session.failed) return;
  session.failed = true;
  const client = session.caller.socket;
  if (session.upgraded || client.destroyed) {
    session.upgraded?.destroy();
    client.destroy();
    return;
  }
  const relayError = upstreamFailure(error, session.upstream, session.timeouts);
  session.outcome.status = relayError.status;
  session.outcome.failure = relayError.code;
  session.handshake.destroy();
  writeFailure(session.res, relayError, undefined);
}

/** The caller's connection closed: the upstream session ends with it, before or after the 101. */
function ended(session: Session): ForwardOutcome {
  clearTimeout(session.timer);
  session.handshake.destroy();
  session.upgraded?.destroy();
  const { outcome } = session;
  // After the 101 either side may end the session; before any answer, the caller gave up waiting.
  if (!outcome.status) {
    outcome.failure ??= "caller_gone";
    outcome.status = CALLER_LEFT_STATUS;
  }
  return outcome;
}

/** The upstream switched protocols: its 101 goes to the caller, then the two connections are joined. */
function join(session: Session, answer: IncomingMessage, socket: Socket, upstreamHead: Buffer): void {
  const { outcome, caller } = session;
  const client = caller.socket;
  clearTimeout(session.timer);
  outcome.status = 101;
  outcome.firstByteMs = performance.now() - session.sentAt;
  if (client.destroyed) return void socket.destroy();
  session.upgraded = socket;
  socket.setNoDelay(true);
  client.write(switchingProtocols(answer));
  if (upstreamHead.length) client.write(upstreamHead);
  if (caller.head.length) socket.write(caller.head);
  socket.on("data", (chunk: Buffer) => (outcome.bytes += chunk.length));
  socket.pipe(client);
  client.pipe(socket);
  socket.once("close", () => client.destroy());
  socket.on("error", () => socket.destroy());
  // A session with no byte either way for the idle timeout is ended, as a silent stream is.
  client.setTimeout(session.timeouts.idleMs, () => {
    outcome.failure = "upstream_idle_timeout";
    client.destroy();
  });
}

/** The upstream answered without switching: its refusal (bad key, unknown model, wrong path) goes back as it is. */
function passAnswer(session: Session, answer: IncomingMessage): void {
  const { outcome, res } = session;
  const status = answer.statusCode ?? 502;
  if (status >= 300 && status < 400) {
    // As for any request: following a redirect could send the caller's key to another host.
    answer.resume();
    return fail(session, upstreamRedirect(session.upstream.host, status));
  }
  clearTimeout(session.timer);
  outcome.status = status;
  outcome.firstByteMs = performance.now() - session.sentAt;
  res.writeHead(outcome.status, callerResponseHeaders(answer.headers));
  answer.on("data", (chunk: Buffer) => (outcome.bytes += chunk.length));
  answer.pipe(res);
}
