import { usePromise } from "@raycast/utils";
import { useRef } from "react";
import { loadModels } from "../openai/models";
import { isCancellation } from "../failures/describe";
import { useRelayClients } from "./use-relay-clients";

/** The relay's model list (cached for an hour); the view words a failure itself, so no toast here. */
export function useModels() {
  useRelayClients();
  const abortable = useRef<AbortController>(null);
  const { data, isLoading, error } = usePromise(() => loadModels(abortable.current?.signal), [], {
    abortable,
    onError: () => undefined,
  });
  return { models: data ?? [], isLoading, error: isCancellation(error) ? undefined : error };
}
