import { LocalStorage } from "@raycast/api";
import type OpenAI from "openai";
import { sortModels } from "./model-traits";
import { parseRelayAddress } from "../relay/address";
import { getApiKey, getRelayConnection, withPairedRelay } from "../relay/connection";
import { relayClient } from "../relay/clients";

const CACHE_KEY = "models-cache";
/** How long a model list is trusted before asking the relay again. */
export const MODELS_TTL_MS = 60 * 60 * 1000;

interface CachedModels {
  baseURL: string;
  at: number;
  ids: string[];
  /** The models a program on the PC serves (the relay marks them), which keep Chat Completions. */
  servedByPC?: string[];
}

/** The chat models the relay offers (OpenAI's and the PC's local ones), from `GET /v1/models`. */
export async function fetchModels(
  client: OpenAI,
  signal?: AbortSignal,
): Promise<{ ids: string[]; servedByPC: string[] }> {
  const ids: string[] = [];
  const servedByPC: string[] = [];
  for await (const model of client.models.list({ signal })) {
    ids.push(model.id);
    if ((model as { passerelle_server?: unknown }).passerelle_server) servedByPC.push(model.id);
  }
  return { ids: sortModels(ids), servedByPC };
}

/** The cached list for this relay, and whether it is still fresh. */
export async function readCachedModels(baseURL: string, now = Date.now()) {
  const raw = await LocalStorage.getItem<string>(CACHE_KEY);
  if (typeof raw !== "string") return undefined;
  try {
    const cached = JSON.parse(raw) as CachedModels;
    if (cached.baseURL !== baseURL || !Array.isArray(cached.ids)) return undefined;
    return { ids: cached.ids, servedByPC: cached.servedByPC ?? [], fresh: now - cached.at < MODELS_TTL_MS };
  } catch {
    return undefined;
  }
}

export async function writeCachedModels(
  baseURL: string,
  models: { ids: string[]; servedByPC: string[] },
  now = Date.now(),
): Promise<void> {
  await LocalStorage.setItem(CACHE_KEY, JSON.stringify({ baseURL, at: now, ...models } satisfies CachedModels));
}

/**
 * The models the paired relay last said a program on the PC serves (from the cached list, however old: a model
 * moves between OpenAI and the PC only when models.json changes). Empty when no list was ever fetched.
 */
export async function modelsServedByPC(): Promise<Set<string>> {
  const paired = await getRelayConnection().catch(() => undefined);
  if (!paired) return new Set();
  const cached = await readCachedModels(parseRelayAddress(paired.address, paired.scheme).baseURL);
  return new Set(cached?.servedByPC ?? []);
}

/**
 * The paired relay's chat models: the cached list while it is fresh, else the relay's answer (then cached). When
 * the relay cannot answer, a stale list is better than none; with no list at all, the failure is thrown.
 */
export async function loadModels(signal?: AbortSignal): Promise<string[]> {
  const paired = await getRelayConnection();
  const cached = await readCachedModels(parseRelayAddress(paired.address, paired.scheme).baseURL);
  if (cached?.fresh) return cached.ids;
  try {
    return await withPairedRelay(
      paired,
      async (connection) => {
        const models = await fetchModels(relayClient(connection, getApiKey()), signal);
        await writeCachedModels(parseRelayAddress(connection.address, connection.scheme).baseURL, models);
        return models.ids;
      },
      { signal },
    );
  } catch (error) {
    if (cached && !signal?.aborted) return cached.ids;
    throw error;
  }
}
