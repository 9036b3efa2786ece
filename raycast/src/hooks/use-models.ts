import { useEffect, useState } from "react";
import { getApiKey, getRelayConnection, withPairedRelay } from "../api/connection";
import { fetchModels, readCachedModels, writeCachedModels } from "../api/models";
import { relayClient } from "../api/relay-clients";
import { isCancellation } from "../helpers/errors";
import { parseRelayAddress } from "../helpers/relay-address";
import { useRelayClients } from "./use-relay-clients";

/** The relay's model list: the cached one at once, refreshed from `/v1/models` when stale. */
export function useModels() {
  const [models, setModels] = useState<string[]>([]);
  const [isLoading, setIsLoading] = useState(true);
  const [error, setError] = useState<unknown>();
  useRelayClients();

  useEffect(() => {
    const controller = new AbortController();
    (async () => {
      try {
        const paired = await getRelayConnection();
        const { baseURL } = parseRelayAddress(paired.address, paired.scheme);
        const cached = await readCachedModels(baseURL);
        if (cached) setModels(cached.ids);
        if (cached?.fresh) return;
        await withPairedRelay(
          paired,
          async (connection) => {
            const ids = await fetchModels(relayClient(connection, getApiKey()), controller.signal);
            await writeCachedModels(parseRelayAddress(connection.address, connection.scheme).baseURL, ids);
            if (!controller.signal.aborted) setModels(ids);
          },
          { signal: controller.signal },
        );
      } catch (caught) {
        if (!isCancellation(caught)) setError(caught);
      } finally {
        if (!controller.signal.aborted) setIsLoading(false);
      }
    })();
    return () => controller.abort();
  }, []);

  return { models, isLoading, error };
}
