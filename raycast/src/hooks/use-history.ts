import { useCallback, useEffect, useState } from "react";
import { clearHistory, deleteHistoryEntry, loadHistory } from "../api/history";
import type { HistoryEntry } from "../helpers/history-bounds";

/** The history, newest first, with delete and clear. */
export function useHistory() {
  const [entries, setEntries] = useState<HistoryEntry[]>([]);
  const [isLoading, setIsLoading] = useState(true);

  const reload = useCallback(async () => {
    const loaded = await loadHistory();
    setEntries(loaded.sort((a, b) => b.createdAt - a.createdAt));
    setIsLoading(false);
  }, []);

  useEffect(() => {
    void reload();
  }, [reload]);

  const remove = useCallback(
    async (id: string) => {
      await deleteHistoryEntry(id);
      await reload();
    },
    [reload],
  );

  const clear = useCallback(async () => {
    await clearHistory();
    await reload();
  }, [reload]);

  return { entries, isLoading, remove, clear, reload };
}
