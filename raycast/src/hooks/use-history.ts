import { usePromise } from "@raycast/utils";
import { useCallback } from "react";
import { clearHistory, deleteHistoryEntry, loadHistory } from "../storage/history";
import { showFailure } from "../failures/toast";
import type { HistoryEntry } from "../storage/history-bounds";

async function newestFirst(): Promise<HistoryEntry[]> {
  return (await loadHistory()).sort((a, b) => b.createdAt - a.createdAt);
}

/** The history, newest first, with delete and clear. */
export function useHistory() {
  const { data, isLoading, mutate, revalidate } = usePromise(newestFirst, [], {
    onError: (error) => void showFailure(error),
  });

  const remove = useCallback(
    (id: string) =>
      mutate(deleteHistoryEntry(id), {
        optimisticUpdate: (entries) => (entries ?? []).filter((entry) => entry.id !== id),
      }),
    [mutate],
  );

  const clear = useCallback(() => mutate(clearHistory(), { optimisticUpdate: () => [] }), [mutate]);

  return { entries: data ?? [], isLoading, remove, clear, reload: revalidate };
}
