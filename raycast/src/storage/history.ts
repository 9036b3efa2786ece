import { LocalStorage } from "@raycast/api";
import { capEntry, HISTORY_LIMITS, idsOverLimits, type HistoryEntry } from "./history-bounds";

const PREFIX = "history:";

/** Every entry in the history (unordered). Unreadable entries are skipped. */
export async function loadHistory(): Promise<HistoryEntry[]> {
  const items = await LocalStorage.allItems<Record<string, string>>();
  const entries: HistoryEntry[] = [];
  for (const [key, value] of Object.entries(items)) {
    if (!key.startsWith(PREFIX) || typeof value !== "string") continue;
    try {
      entries.push(JSON.parse(value) as HistoryEntry);
    } catch {
      // a damaged entry is dropped from view, not fatal
    }
  }
  return entries;
}

/** Writes one entry (each entry has its own key, so saving a streaming answer rewrites only that one). */
export async function saveHistoryEntry(entry: HistoryEntry): Promise<void> {
  await LocalStorage.setItem(PREFIX + entry.id, JSON.stringify(capEntry(entry)));
}

/** Adds or replaces an entry, then removes the oldest entries beyond the history's limits. */
export async function putHistoryEntry(entry: HistoryEntry, limits = HISTORY_LIMITS): Promise<void> {
  await saveHistoryEntry(entry);
  const over = idsOverLimits(await loadHistory(), limits, entry.id);
  await Promise.all(over.map((id) => LocalStorage.removeItem(PREFIX + id)));
}

export async function deleteHistoryEntry(id: string): Promise<void> {
  await LocalStorage.removeItem(PREFIX + id);
}

export async function clearHistory(): Promise<void> {
  const entries = await loadHistory();
  await Promise.all(entries.map((entry) => LocalStorage.removeItem(PREFIX + entry.id)));
}
