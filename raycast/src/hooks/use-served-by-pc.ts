import { usePromise } from "@raycast/utils";
import { modelsServedByPC } from "../openai/models";

/** The models the relay last said a program on the PC serves (from the cached model list). */
export function useServedByPC(): ReadonlySet<string> {
  const { data } = usePromise(modelsServedByPC, [], { onError: () => undefined });
  return data ?? new Set<string>();
}
