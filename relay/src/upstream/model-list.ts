/** `GET /v1/models` with local servers: OpenAI's list and the local models in one answer. */
import type { ServerResponse } from "node:http";
import { upstreamRedirect } from "../errors.js";
import { callerResponseHeaders } from "./headers.js";
import type { Forwarder, ForwardOutcome } from "./forward.js";
import type { LocalServer, ModelRouter } from "./local-models.js";

/** How long `GET /v1/models` waits for a local server before leaving it out. */
export const LOCAL_LIST_WAIT_MS = 1500;

interface ModelEntry {
  id: string;
  object: "model";
  created: number;
  owned_by: string;
  /** Set on the PC's own models: the server in models.json that answers for it (clients then keep Chat Completions). */
  passerelle_server?: string;
}

/** The models a local server lists that this relay routes to it; an empty list when it is down or slow. */
async function localModels(server: LocalServer, forwarder: Forwarder, route: ModelRouter): Promise<ModelEntry[]> {
  try {
    const answer = await forwarder.get("/models", { accept: "application/json" }, LOCAL_LIST_WAIT_MS);
    if (answer.status !== 200) return [];
    const list = JSON.parse(answer.body.toString("utf8")) as { data?: Array<Partial<ModelEntry>> };
    return (list.data ?? [])
      .filter((m): m is Partial<ModelEntry> & { id: string } => typeof m.id === "string" && route(m.id) === server)
      .map((m) => ({
        id: m.id,
        object: "model",
        created: typeof m.created === "number" ? m.created : 0,
        owned_by: typeof m.owned_by === "string" ? m.owned_by : server.name,
        passerelle_server: server.name,
      }));
  } catch {
    return []; // a local server that is off must not break the list
  }
}

/**
 * Answers `GET /v1/models` with OpenAI's list (asked with the caller's own headers and key) followed by the
 * local servers' models. An OpenAI error answer goes back unchanged; without a key, or when OpenAI cannot be
 * reached, only the local models are listed.
 */
export async function mergedModelList(
  res: ServerResponse,
  headers: Record<string, string | string[]>,
  openai: Forwarder,
  locals: Array<{ server: LocalServer; forwarder: Forwarder }>,
  route: ModelRouter,
  timeoutMs: number,
): Promise<ForwardOutcome> {
  // The merged list is re-encoded, so ask OpenAI for it uncompressed.
  const plain = { ...headers };
  delete plain["accept-encoding"];
  const [asked, ...local] = await Promise.all([
    headers.authorization
      ? openai.get("/models", plain, timeoutMs).catch((error: unknown) => ({ unreachable: error }))
      : Promise.resolve(undefined),
    ...locals.map(({ server, forwarder }) => localModels(server, forwarder, route)),
  ]);
  let remote = asked;
  if (remote && "unreachable" in remote) {
    // Without internet the PC's own models still answer: list them rather than fail the whole list.
    if (local.flat().length === 0) throw remote.unreachable;
    remote = undefined;
  }
  let data: unknown[] = [];
  let answerHeaders: Record<string, string | string[] | undefined> = {};
  if (remote) {
    if (remote.status >= 300 && remote.status < 400) {
      // As for every other request: a redirect is never followed, nor passed on for the caller to follow.
      throw upstreamRedirect(openai.upstream.host, remote.status);
    }
    const passThrough = callerResponseHeaders(remote.headers);
    if (remote.status !== 200) {
      res.writeHead(remote.status, passThrough).end(remote.body);
      return { status: remote.status, bytes: remote.body.length };
    }
    data = (JSON.parse(remote.body.toString("utf8")) as { data: unknown[] }).data;
    answerHeaders = remote.headers;
  }
  const body = Buffer.from(JSON.stringify({ object: "list", data: [...data, ...local.flat()] }));
  const out = callerResponseHeaders(answerHeaders);
  delete out["content-encoding"];
  res.writeHead(200, { ...out, "content-type": "application/json", "content-length": body.length }).end(body);
  return { status: 200, bytes: body.length };
}
