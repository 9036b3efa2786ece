import { LocalStorage } from "@raycast/api";
import type OpenAI from "openai";
import { sortModels } from "./model-traits";
import { parseRelayAddress } from "../relay/address";
import { getApiKey, getRelayConnection, withPairedRelay, type PairedConnection } from "../relay/connection";
import { relayClient } from "../relay/clients";
import type { RelayLookup } from "../relay/discovery";

const SERVED_BY_PC_KEY = "models-served-by-pc";

/** What the relay last said a program on the PC serves, for the relay at `baseURL`. */
interface ServedByPC {
  baseURL: string;
  ids: string[];
}

const baseURLOf = (connection: PairedConnection) => parseRelayAddress(connection.address, connection.scheme).baseURL;

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

/**
 * The paired relay's chat models (found again by id if it moved). Which of them a program on the PC serves is
 * remembered for {@link modelsServedByPC}; the list itself is kept by the view's `useCachedPromise`.
 */
export async function loadModels(signal?: AbortSignal, lookup?: RelayLookup): Promise<string[]> {
  return withPairedRelay(
    await getRelayConnection(),
    async (connection) => {
      const models = await fetchModels(relayClient(connection, getApiKey()), signal);
      const served: ServedByPC = { baseURL: baseURLOf(connection), ids: models.servedByPC };
      await LocalStorage.setItem(SERVED_BY_PC_KEY, JSON.stringify(served));
      return models.ids;
    },
    { signal, lookup },
  );
}

/**
 * The models the paired relay last said a program on the PC serves (however long ago: a model moves between OpenAI
 * and the PC only when models.json changes). Empty when no list was ever fetched from this relay.
 */
export async function modelsServedByPC(): Promise<Set<string>> {
  const paired = await getRelayConnection().catch(() => undefined);
  const raw = await LocalStorage.getItem<string>(SERVED_BY_PC_KEY);
  if (!paired || typeof raw !== "string") return new Set();
  try {
    const served = JSON.parse(raw) as ServedByPC;
    return served.baseURL === baseURLOf(paired) && Array.isArray(served.ids) ? new Set(served.ids) : new Set();
  } catch {
    return new Set();
  }
}
