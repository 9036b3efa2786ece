import { usePromise } from "@raycast/utils";
import { useCallback } from "react";
import { loadPrompts, savePrompts } from "../storage/prompts";
import { showFailure } from "../failures/toast";
import type { Prompt } from "../prompts/prompt";

/** The user's prompts, and a way to save a changed list. */
export function usePrompts() {
  const { data, isLoading, mutate } = usePromise(loadPrompts, [], {
    onError: (error) => void showFailure(error),
  });

  // The list on screen changes at once; what is saved is what the next load returns.
  const save = useCallback(
    (next: Prompt[]) => mutate(savePrompts(next), { optimisticUpdate: () => next, shouldRevalidateAfter: false }),
    [mutate],
  );

  return { prompts: data ?? [], isLoading, save };
}
