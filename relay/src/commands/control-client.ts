import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { readIdentity } from "../state/identity.js";
import { CONTROL_HEADER } from "../auth/pairing-routes.js";
import { readRuntimeInfo } from "../state/runtime-info.js";
import { isAlive } from "../state/state-file.js";

/** The running relay's answer to an owner's request. */
export interface ControlAnswer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * Sends an owner's request (`/control/…`) to the relay running from `home`, over loopback, pinned to
 * its own certificate, with the control secret of `relay.json`. Resolves undefined when no relay runs
 * there (no relay.json, its process gone, or nothing listening): the caller then works on the files
 * itself, under their lock.
 */
export async function askRunningRelay(
  home: string,
  path: string,
  payload: Record<string, unknown>,
): Promise<ControlAnswer | undefined> {
  const runtime = readRuntimeInfo(home);
  const identity = readIdentity(home);
  if (!runtime || !identity || !isAlive(runtime.pid)) return undefined;
  const data = JSON.stringify(payload);
  const options = {
    host: runtime.host,
    port: runtime.port,
    method: "POST",
    path,
    headers: {
      [CONTROL_HEADER]: runtime.control,
      "content-type": "application/json",
      "content-length": Buffer.byteLength(data),
    },
    timeout: 10_000,
  };
  const tls = {
    ca: [identity.certPem],
    checkServerIdentity: (_host: string, cert: { fingerprint256: string }) =>
      cert.fingerprint256 === identity.fingerprint256 ? undefined : new Error("another certificate answered"),
  };
  return new Promise((resolve, reject) => {
    const callback = (res: IncomingMessage) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> });
        } catch {
          reject(new Error(`the relay answered ${res.statusCode} without JSON`));
        }
      });
    };
    const req =
      runtime.scheme === "https" ? httpsRequest({ ...options, ...tls }, callback) : httpRequest(options, callback);
    req.on("timeout", () => req.destroy(new Error("the relay did not answer within 10 s")));
    req.on("error", (error: NodeJS.ErrnoException) => {
      // The process is there but does not listen (yet, or any more): the files are the truth then.
      if (error.code === "ECONNREFUSED") resolve(undefined);
      else reject(error);
    });
    req.end(data);
  });
}
