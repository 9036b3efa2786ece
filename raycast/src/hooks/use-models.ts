import { useCachedPromise } from "@raycast/utils";
import { useRef } from "react";
import { loadModels } from "../openai/models";
import { isCancellation } from "../failures/classify";
import { useRelayClients } from "./use-relay-clients";
import { useRelayDiscovery } from "./use-relay-discovery";

/**
 * The relay's model list: the last one shown at once (Raycast's cache), then the relay's answer. When the relay
 * cannot answer, the last list stays and the error is beside it; the view words a failure itself, so no toast here.
 */
export function useModels() {
  useRelayClients();
  const { findRelayById } = useRelayDiscovery();
  const abortable = useRef<AbortController>(null);
  const { data, isLoading, error } = useCachedPromise(() => loadModels(abortable.current?.signal, findRelayById), [], {
    abortable,
    keepPreviousData: true,
    onError: () => undefined,
  });
  return { models: data ?? [], isLoading, error: isCancellation(error) ? undefined : error };
}
