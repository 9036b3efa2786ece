import { request as httpRequest, type ClientRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { upstreamRedirect } from "../errors.js";
import { upstreamFailure, writeFailure, type UpstreamTimeouts } from "./failures.js";
import { upstreamTarget, type ForwardOutcome } from "./forward.js";
import { callerResponseHeaders, upstreamRequestHeaders } from "./headers.js";
import { errors } from "./pool.js";

/** The raw connection of a caller asking for a WebSocket, as the server's `upgrade` event gives it. */
export interface UpgradeRequest {
  socket: Socket;
  /** Bytes the caller sent after its request headers (the first frames, if it did not wait). */
  head: Buffer;
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
  const outcome: ForwardOutcome = { status: 0, bytes: 0 };
  const client = caller.socket;
  const sentAt = performance.now();
  const headers = upstreamRequestHeaders(req.headers);
  headers.connection = "Upgrade";
  headers.upgrade = "websocket";
  const send = upstream.protocol === "https:" ? httpsRequest : httpRequest;
  const upstreamReq: ClientRequest = send(upstream.origin + upstreamTarget(upstream)(path), {
    method: "GET",
    headers,
    agent: false,
  });

  return new Promise((resolve) => {
    let upgraded: Duplex | undefined;
    let timer: NodeJS.Timeout | undefined;
    let failed = false;

    const fail = (error: unknown) => {
      clearTimeout(timer);
      // Destroying the request may raise a second error ("socket hang up"): the first one says what happened.
      if (failed) return;
      failed = true;
      if (upgraded || client.destroyed) {
        upgraded?.destroy();
        client.destroy();
        return;
      }
      const relayError = upstreamFailure(error, upstream, timeouts);
      outcome.status = relayError.status;
      outcome.failure = relayError.code;
      upstreamReq.destroy();
      writeFailure(res, relayError, undefined);
    };
    const wait = (ms: number, error: () => Error) => {
      clearTimeout(timer);
      timer = setTimeout(() => fail(error()), ms);
    };

    // Bounded as any request: connecting, then the upstream's answer to the handshake.
    wait(timeouts.connectMs, () => new errors.ConnectTimeoutError());
    upstreamReq.once("socket", (socket) => {
      socket.once(upstream.protocol === "https:" ? "secureConnect" : "connect", () =>
        wait(timeouts.firstByteMs, () => new errors.HeadersTimeoutError()),
      );
    });

    client.once("close", () => {
      clearTimeout(timer);
      // The caller went away: the upstream session ends with it, before or after the 101.
      upstreamReq.destroy();
      upgraded?.destroy();
      // After the 101 either side may end the session; before any answer, the caller gave up waiting.
      if (!outcome.status) outcome.failure ??= "caller_gone";
      resolve(outcome);
    });
    client.on("error", () => client.destroy());

    upstreamReq.once("upgrade", (answer: IncomingMessage, socket: Socket, upstreamHead: Buffer) => {
      clearTimeout(timer);
      outcome.status = 101;
      outcome.firstByteMs = performance.now() - sentAt;
      if (client.destroyed) return void socket.destroy();
      upgraded = socket;
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
      client.setTimeout(timeouts.idleMs, () => {
        outcome.failure = "upstream_idle_timeout";
        client.destroy();
      });
    });

    upstreamReq.once("response", (answer: IncomingMessage) => {
      const status = answer.statusCode ?? 502;
      if (status >= 300 && status < 400) {
        // As for any request: following a redirect could send the caller's key to another host.
        answer.resume();
        return fail(upstreamRedirect(upstream.host, status));
      }
      // No upgrade: the upstream's refusal (bad key, unknown model, wrong path) goes back as it is.
      clearTimeout(timer);
      outcome.status = status;
      outcome.firstByteMs = performance.now() - sentAt;
      res.writeHead(outcome.status, callerResponseHeaders(answer.headers));
      answer.on("data", (chunk: Buffer) => (outcome.bytes += chunk.length));
      answer.pipe(res);
    });

    upstreamReq.on("error", fail);
    upstreamReq.end();
  });
}
