/** The device check on `/v1`: a paired device's token lets a request through; wrong ones cost their address. */
import type { Context, Next } from "koa";
import { deviceTokenInvalid, registryDamaged, tooManyFailures } from "../errors.js";
import { MAX_TOKEN_LENGTH, TOKEN_PREFIX, tokenDigest } from "../state/devices.js";
import type { Authority, DeviceLookup } from "./authority.js";

export const TOKEN_HEADER = "x-passerelle-token";

/** The caller's device token: its own header, or the front of the combined key `Bearer psr_<token>.<OpenAI key>`. */
export function readDeviceToken(headers: Record<string, string | string[] | undefined>): string | undefined {
  const header = headers[TOKEN_HEADER];
  if (typeof header === "string") return header;
  if (Array.isArray(header)) return undefined;
  const authorization = headers.authorization;
  if (typeof authorization !== "string" || !authorization.startsWith(`Bearer ${TOKEN_PREFIX}`)) return undefined;
  const combined = authorization.slice("Bearer ".length);
  const dot = combined.indexOf(".");
  return dot === -1 ? combined : combined.slice(0, dot);
}

/** How long a failing caller waits for its answer while the global failure budget is spent: guessing slows to a crawl. */
export const SLOW_FAILURE_MS = 1_000;

/** The `Authorization` header without any device token in it: only the OpenAI key may go on. */
function withoutToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined || !authorization.startsWith(`Bearer ${TOKEN_PREFIX}`)) return authorization;
  const dot = authorization.indexOf(".");
  return dot === -1 ? undefined : `Bearer ${authorization.slice(dot + 1)}`;
}

/**
 * Tells a caller that waits for it (`Expect: 100-continue`) to send its body: only once the relay will
 * read it, never to a stranger whose request is about to be refused (the server asks the app, see server.ts).
 */
export function inviteBody(ctx: Context): void {
  if (ctx.req.headers.expect?.toLowerCase() === "100-continue" && !ctx.res.headersSent) ctx.res.writeContinue();
}

/**
 * Koa middleware for `/v1/*`: lets a request through only with a paired device's token. A valid
 * token is accepted before any lockout (another caller at the same address cannot lock a device
 * out; its 256 bits are what stop guessing). Failures answer 401 `device_token_invalid` and close
 * the connection; an address with too many failures waits (429 with `Retry-After`), and once the
 * global failure budget is spent every failure is answered slowly.
 */
export function requireDevice(
  devices: DeviceLookup,
  authority: Authority,
  trust?: (socket: Context["socket"]) => void,
) {
  return async function deviceAuth(ctx: Context, next: Next): Promise<void> {
    const token = readDeviceToken(ctx.req.headers);
    const device = token && token.length <= MAX_TOKEN_LENGTH ? await devices.lookup(tokenDigest(token)) : undefined;
    if (device) {
      // The token never goes on to the upstream, whichever header carried it; only the OpenAI key does.
      const authorization = ctx.req.headers.authorization;
      const cleaned = withoutToken(authorization);
      if (cleaned !== authorization) {
        if (cleaned === undefined) delete ctx.req.headers.authorization;
        else ctx.req.headers.authorization = cleaned;
      }
      ctx.state.device = device.name;
      // A connection that showed a valid token is never the one closed to make room in a flood.
      trust?.(ctx.socket);
      inviteBody(ctx);
      await next();
      return;
    }
    // A stranger gets no keep-alive: its connection closes with the answer, its body unread.
    ctx.set("connection", "close");
    // The socket's address, never X-Forwarded-For: the app runs with proxy = false.
    const refusal = await authority.tokenFailed(ctx.socket.remoteAddress ?? "?");
    if (refusal.slow) await new Promise((resolve) => setTimeout(resolve, SLOW_FAILURE_MS));
    if (refusal.waitSeconds) throw tooManyFailures(refusal.waitSeconds);
    if (devices.lastDamage()) throw registryDamaged();
    throw deviceTokenInvalid();
  };
}
