/** The pairing routes: a Mac pairs with the code shown on the PC, and the owner's commands reach the running relay. */
import { createHash, timingSafeEqual } from "node:crypto";
import type Router from "@koa/router";
import type { Context } from "koa";
import {
  RelayError,
  controlRefused,
  deviceNameMissing,
  pairingBodyTooLarge,
  pairingCodeWrong,
  pairingRequestNotJson,
  requestBodyIncomplete,
  tooManyFailures,
} from "../errors.js";
import { registryFailure } from "./registry-errors.js";
import type { RequestSecurity } from "./relay-security.js";
import { inviteBody } from "./device-auth.js";

/** Header carrying the control secret of `relay.json`, for `passerelle pair` on the same PC. */
export const CONTROL_HEADER = "x-passerelle-control";

/** Time a caller has to send a pairing or control request's body: a stranger cannot hold a connection open with one. */
export const PAIR_BODY_MS = 10_000;

/** Reads a small JSON body within {@link PAIR_BODY_MS}; a caller too slow is cut off without an answer. */
async function readJson(ctx: Context, limit = 4096): Promise<Record<string, unknown>> {
  let size = 0;
  const chunks: Buffer[] = [];
  const timer = setTimeout(() => ctx.req.socket.destroy(), PAIR_BODY_MS);
  inviteBody(ctx);
  try {
    for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) throw pairingBodyTooLarge();
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof RelayError) throw error;
    // Cut off at the deadline, or the caller went away: said so in the log, as what it is.
    throw requestBodyIncomplete();
  } finally {
    clearTimeout(timer);
  }
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
    if (value && typeof value === "object") return value as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw pairingRequestNotJson();
}

const isLoopback = (address: string | undefined) =>
  address === "127.0.0.1" || address === "::1" || address === "::ffff:127.0.0.1";

function sameSecret(given: string, secret: string): boolean {
  const hash = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(hash(given), hash(secret));
}

/** Lets only the relay's owner through: on this PC, with the control secret of `relay.json`. */
function requireControl(ctx: Context, o: RequestSecurity): void {
  const given = ctx.get(CONTROL_HEADER);
  if (!isLoopback(ctx.socket.remoteAddress) || !given || !sameSecret(given, o.controlSecret)) {
    ctx.set("connection", "close");
    throw controlRefused();
  }
}

/** Runs a registry change, turning a damaged registry or a held lock into an answer for the caller. */
async function withRegistry<T>(change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } catch (error) {
    throw registryFailure(error) ?? error;
  }
}

/**
 * `POST /pair` (a device sends the PIN, over a connection it has already pinned to the relay's
 * certificate, and receives its token once), and the owner's routes on this PC: `POST /control/pairing`
 * (opens a pairing session and returns the code to show), `POST /control/devices` (pairs a script:
 * `pair --cli`) and `POST /control/devices/revoke` (`revoke`), so that the running relay is the one
 * writer of its list of devices.
 */
export function addPairingRoutes(router: Router, o: RequestSecurity): void {
  router.post("/pair", async (ctx) => {
    const address = ctx.socket.remoteAddress ?? "?";
    // Pairing has its own budget: bad /v1 tokens from anywhere never stop the owner pairing.
    const wait = await o.authority.pairingWait(address);
    if (wait) {
      ctx.set("connection", "close");
      throw tooManyFailures(wait);
    }
    const body = await readJson(ctx);
    const pin = typeof body.pin === "string" ? body.pin : "";
    const name = typeof body.name === "string" ? body.name : "";
    const paired = await withRegistry(() => o.authority.pair(address, pin, name));
    if (!paired) {
      ctx.set("connection", "close");
      // One answer whether or not a session is open: a stranger learns nothing from it.
      throw pairingCodeWrong();
    }
    ctx.set("cache-control", "no-store");
    ctx.body = { token: paired.token, relayId: o.relayId, name: paired.name };
  });

  router.post("/control/pairing", async (ctx) => {
    requireControl(ctx, o);
    const opened = await o.authority.openPairing();
    ctx.set("cache-control", "no-store");
    ctx.body = opened;
  });

  router.post("/control/devices", async (ctx) => {
    requireControl(ctx, o);
    const body = await readJson(ctx);
    const name = typeof body.name === "string" ? body.name : "";
    if (!name.trim()) throw deviceNameMissing();
    const { token, name: saved } = await withRegistry(() => o.authority.addScript(name));
    ctx.set("cache-control", "no-store");
    ctx.body = { token, name: saved };
  });

  router.post("/control/devices/revoke", async (ctx) => {
    requireControl(ctx, o);
    const body = await readJson(ctx);
    const name = typeof body.name === "string" ? body.name : "";
    ctx.body = { removed: await withRegistry(() => o.authority.revoke(name)) };
  });
}
