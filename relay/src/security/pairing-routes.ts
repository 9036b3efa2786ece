import { createHash, timingSafeEqual } from "node:crypto";
import type Router from "@koa/router";
import type { Context } from "koa";
import { RelayError } from "../errors.js";
import type { RelaySecurity } from "./relay-security.js";

/** Header carrying the control secret of `relay.json`, for `passerelle pair` on the same PC. */
export const CONTROL_HEADER = "x-passerelle-control";

async function readJson(ctx: Context, limit = 4096): Promise<Record<string, unknown>> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new RelayError(413, "body_too_large", "The pairing request is too large.");
    chunks.push(chunk);
  }
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
    if (value && typeof value === "object") return value as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new RelayError(400, "invalid_json", "The pairing request must be a JSON object.");
}

const isLoopback = (address: string | undefined) =>
  address === "127.0.0.1" || address === "::1" || address === "::ffff:127.0.0.1";

function sameSecret(given: string, secret: string): boolean {
  const hash = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(hash(given), hash(secret));
}

/**
 * `POST /pair` (a device sends the PIN, over a connection it has already pinned to the relay's
 * certificate, and receives its token once) and `POST /control/pairing` (the relay's owner, on
 * this PC, opens a pairing session and receives the code to show).
 */
export function addPairingRoutes(router: Router, o: RelaySecurity): void {
  router.post("/pair", async (ctx) => {
    const address = ctx.socket.remoteAddress ?? "?";
    const wait = o.throttle.addressWait(address) || o.throttle.globalWait();
    if (wait) {
      throw new RelayError(429, "too_many_failures", `Too many failed attempts; try again in ${wait} s.`, {
        type: "rate_limit_error",
        retryAfter: wait,
      });
    }
    const body = await readJson(ctx);
    const pin = typeof body.pin === "string" ? body.pin : "";
    const name = typeof body.name === "string" ? body.name : "";
    const result = o.pairing.attempt(pin.slice(0, 16));
    if (result === "closed") {
      o.throttle.fail(address);
      throw new RelayError(
        410,
        "pairing_closed",
        "No pairing code is waiting on the relay (it was used, expired, or too many wrong codes were typed). Run `passerelle pair` on the PC, or press p in the relay's window, for a new code.",
      );
    }
    if (result === "wrong-pin") {
      o.throttle.fail(address);
      throw new RelayError(
        401,
        "pairing_code_wrong",
        "The pairing code is not the one the relay shows. Check it and try again.",
      );
    }
    const { token, device } = o.devices.add(name || "Mac", "app");
    o.notify?.({ type: "paired", name: device.name });
    ctx.set("cache-control", "no-store");
    ctx.body = { token, relayId: o.identity.relayId, name: device.name };
  });

  router.post("/control/pairing", (ctx) => {
    const given = ctx.get(CONTROL_HEADER);
    if (!isLoopback(ctx.socket.remoteAddress) || !given || !sameSecret(given, o.controlSecret)) {
      throw new RelayError(403, "control_refused", "Only the relay's owner, on the relay's PC, may open pairing.");
    }
    const opened = o.pairing.open();
    o.notify?.({ type: "opened", code: opened.code, expiresAt: opened.expiresAt });
    ctx.set("cache-control", "no-store");
    ctx.body = { code: opened.code, expiresAt: opened.expiresAt.toISOString(), maxTries: opened.maxTries };
  });
}
