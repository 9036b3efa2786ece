/** Where a `/v1` request goes: OpenAI, or a local server chosen by its model; how many at once, how large. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { relayBusy } from "../errors.js";
import { upstreamFailure, type UpstreamTimeouts } from "./failures.js";
import { createForwarder, type ForwardOutcome, type UpstreamConnection } from "./forward.js";
import { upstreamRequestHeaders } from "./headers.js";
import { modelRouter, type LocalServer } from "./local-models.js";
import { mergedModelList } from "./model-list.js";
import { modelOf, takeRequestBody } from "./request-body.js";

/** Bounds on what callers may ask of the relay. */
export interface RelayLimits {
  /** Largest request body, in bytes. */
  maxBodyBytes: number;
  /** Requests under `/v1` handled at once; more get a 503 `relay_busy`. */
  maxConcurrent: number;
}

export interface UpstreamsConfig {
  upstream: URL;
  timeouts: UpstreamTimeouts;
  limits: RelayLimits;
  localServers: LocalServer[];
  /** How the connection to the upstream is kept (local servers keep theirs the default way). */
  upstreamConnection?: UpstreamConnection;
  /** JSON bytes the request bodies being read may hold together; the process's own budget by default. */
  bufferedBytes?: number | undefined;
}

/** What the request log may say about where a request went. */
export interface RouteNote {
  model?: string;
  upstream?: string;
}

export interface Upstreams {
  /** Sends one `/v1` request (`path` is what follows `/v1`, query included) to the upstream that serves it. */
  handle(req: IncomingMessage, res: ServerResponse, path: string, note: RouteNote): Promise<ForwardOutcome>;
  /** A caller connected: have a connection to OpenAI ready before it asks. */
  warm(): void;
  close(): Promise<void>;
}

/** JSON bodies up to this size are parsed for the log's `model` even when no local model needs routing. */
const PARSE_FOR_LOG_BYTES = 256 * 1024;

/** Headers that mean something to OpenAI only; a local server gets none of them, the key least of all. */
const OPENAI_ONLY = ["authorization", "openai-organization", "openai-project"];

const MB = 1024 * 1024;

/**
 * OpenAI's own size limits for uploads (a part of `/uploads`: 64 MB; one file: 512 MB), plus room for the
 * multipart envelope. Such bodies stream through a byte counter, never held in memory, so a `--max-body`
 * meant for JSON does not refuse them.
 */
const UPLOAD_LIMITS: Array<[RegExp, number]> = [
  [/^\/uploads\/[^/?]+\/parts(?:\?|$)/, 65 * MB],
  [/^\/files(?:\?|$)/, 513 * MB],
];

/** The largest body accepted for this request: OpenAI's limit for a multipart upload, else `--max-body`. */
export function bodyLimit(req: IncomingMessage, path: string, maxBodyBytes: number): number {
  if (req.method !== "POST" || !/^multipart\/form-data\b/i.test(req.headers["content-type"] ?? "")) return maxBodyBytes;
  const limit = UPLOAD_LIMITS.find(([pattern]) => pattern.test(path))?.[1];
  return limit === undefined ? maxBodyBytes : Math.max(limit, maxBodyBytes);
}

/** OpenAI and the local model servers, and the choice between them by the request's `model`. */
export function createUpstreams(config: UpstreamsConfig): Upstreams {
  const openai = createForwarder(config.upstream, config.timeouts, config.upstreamConnection);
  const locals = config.localServers.map((server) => ({
    server,
    forwarder: createForwarder(server.baseURL, config.timeouts),
  }));
  const route = modelRouter(config.localServers);
  const parseUpTo = locals.length ? config.limits.maxBodyBytes : PARSE_FOR_LOG_BYTES;
  const buffered = config.bufferedBytes === undefined ? undefined : { used: 0, max: config.bufferedBytes };
  let inFlight = 0;

  async function handle(req: IncomingMessage, res: ServerResponse, path: string, note: RouteNote) {
    if (inFlight >= config.limits.maxConcurrent) throw relayBusy({ requests: config.limits.maxConcurrent });
    inFlight++;
    openai.warm();
    try {
      const maxBytes = bodyLimit(req, path, config.limits.maxBodyBytes);
      const body = await takeRequestBody(req, buffered ? { maxBytes, buffered } : { maxBytes });
      // Only routing needs the model before the request leaves; the log can wait (parsing costs ~1 ms per 100 kB).
      const model = locals.length ? modelOf(body, parseUpTo) : undefined;
      if (model) note.model = model;
      const headers = upstreamRequestHeaders(req.headers);
      if (locals.length && req.method === "GET" && path.split("?")[0] === "/models") {
        note.upstream = "merged";
        return await mergedModelList(res, headers, openai, locals, route, config.timeouts.firstByteMs).catch(
          (error: unknown) => {
            throw upstreamFailure(error, config.upstream, config.timeouts);
          },
        );
      }
      const server = model === undefined ? undefined : route(model);
      const local = server && locals.find((l) => l.server === server);
      if (local) {
        note.upstream = local.server.name;
        for (const name of OPENAI_ONLY) delete headers[name];
        return await local.forwarder.forward(req, res, path, { headers, body });
      }
      const forwarding = openai.forward(req, res, path, { headers, body });
      const logged = locals.length ? undefined : modelOf(body, parseUpTo);
      if (logged) note.model = logged;
      return await forwarding;
    } finally {
      inFlight--;
    }
  }

  return {
    handle,
    warm: () => openai.warm(),
    close: async () => {
      await Promise.all([openai.close(), ...locals.map((l) => l.forwarder.close())]);
    },
  };
}
