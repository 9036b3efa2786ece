/** The owner's one way to talk to the relay running on this PC: pinned to its certificate, over loopback. */
import type { IncomingMessage, RequestOptions } from "node:http";
import { request as httpsRequest } from "node:https";
import { readIdentity, type RelayIdentity } from "../state/identity.js";
import { CONTROL_HEADER } from "../auth/pairing-routes.js";
import { readRuntimeInfo, type RuntimeInfo } from "../state/runtime-info.js";
import { isAlive } from "../state/state-file.js";
import { nodeHttp } from "../node-http.js";

/** The relay running from a folder: how to reach it (relay.json) and the certificate it must show. */
export interface LocalRelay {
  runtime: RuntimeInfo;
  identity: RelayIdentity;
}

/** The running relay's answer to an owner's request. */
export interface ControlAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** A pairing session the running relay opened, as it answers `POST /control/pairing`. */
export interface OpenedSession {
  code: string;
  expiresAt: Date;
  maxTries: number;
}

/** The relay running from `home`, or undefined when none is (no relay.json or identity, or its process gone). */
export function localRelay(home: string): LocalRelay | undefined {
  const runtime = readRuntimeInfo(home);
  const identity = readIdentity(home);
  return runtime && identity && isAlive(runtime.pid) ? { runtime, identity } : undefined;
}

/** TLS options that accept the relay's own certificate only, whatever name it is reached by. */
function pinnedTo(identity: RelayIdentity) {
  return {
    ca: [identity.certPem],
    checkServerIdentity: (_host: string, cert: { fingerprint256: string }) =>
      cert.fingerprint256 === identity.fingerprint256 ? undefined : new Error("another certificate answered"),
  };
}

/** Collects a JSON answer; an answer that is not JSON is an error that says so. */
function readAnswer(res: IncomingMessage): Promise<ControlAnswer> {
  return new Promise((resolve, reject) => {
    let text = "";
    res.setEncoding("utf8");
    res.on("data", (chunk: string) => (text += chunk));
    res.on("error", reject);
    res.on("end", () => {
      try {
        resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> });
      } catch {
        reject(new Error(`the relay answered ${res.statusCode} without JSON`));
      }
    });
  });
}

/**
 * Sends an owner's request (`/control/…`) to `relay`, pinned to its own certificate, with the control secret of
 * relay.json. Resolves undefined when nothing listens there (the relay is starting or stopping): the caller then
 * works on the files itself, under their lock.
 */
export function sendControl(
  relay: LocalRelay,
  path: string,
  payload?: Record<string, unknown>,
  timeoutMs = 10_000,
): Promise<ControlAnswer | undefined> {
  const { runtime, identity } = relay;
  const data = payload === undefined ? "" : JSON.stringify(payload);
  const options: RequestOptions = {
    host: runtime.host,
    port: runtime.port,
    method: "POST",
    path,
    headers: {
      [CONTROL_HEADER]: runtime.control,
      ...(payload !== undefined && { "content-type": "application/json" }),
      "content-length": Buffer.byteLength(data),
    },
    timeout: timeoutMs,
  };
  return new Promise((resolve, reject) => {
    const answered = (res: IncomingMessage) => void readAnswer(res).then(resolve, reject);
    const req =
      runtime.scheme === "https"
        ? httpsRequest({ ...options, ...pinnedTo(identity) }, answered)
        : nodeHttp.request(options, answered);
    req.on("timeout", () => req.destroy(new Error(`the relay did not answer within ${timeoutMs / 1000} s`)));
    req.on("error", (error: NodeJS.ErrnoException) => {
      // The process is there but does not listen (yet, or any more): the files are the truth then.
      if (error.code === "ECONNREFUSED") resolve(undefined);
      else reject(error);
    });
    req.end(data);
  });
}

/** The relay running from `home` answers an owner's request; undefined when no relay runs there. */
export async function askRunningRelay(
  home: string,
  path: string,
  payload: Record<string, unknown>,
): Promise<ControlAnswer | undefined> {
  const relay = localRelay(home);
  return relay && sendControl(relay, path, payload);
}

/** The relay's refusal of an owner's request, in one line: its status, code and words. */
export function refusal(answer: ControlAnswer): string {
  const error = (answer.body.error ?? {}) as { code?: string; message?: string };
  return `the running relay refused (${answer.status} ${error.code ?? ""}): ${error.message ?? ""}`.trim();
}

/** Asks the running relay to open a pairing session; rejects, in words, when it does not. */
export async function openPairing(relay: LocalRelay): Promise<OpenedSession> {
  const answer = await sendControl(relay, "/control/pairing", undefined, 5_000);
  if (!answer) throw new Error("the relay is not listening");
  if (answer.status !== 200) throw new Error(refusal(answer));
  const { code, expiresAt, maxTries } = answer.body;
  if (typeof code !== "string" || typeof expiresAt !== "string" || typeof maxTries !== "number") {
    throw new Error("the relay's answer has no pairing code");
  }
  return { code, expiresAt: new Date(expiresAt), maxTries };
}
