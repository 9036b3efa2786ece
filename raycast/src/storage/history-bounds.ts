import type { ChatMessage, Source, TokenUsage } from "../openai/completion";

/** One question (or transform, or conversation) and its answer, kept on the Mac only. */
export interface HistoryEntry {
  id: string;
  kind: "ask" | "transform" | "chat";
  /** The question, or the prompt's title for a transform. */
  title: string;
  /** The messages sent, so the answer can be regenerated or continued. */
  messages: ChatMessage[];
  answer: string;
  model: string;
  /** `streaming` left behind by a closed Raycast is shown as interrupted. */
  status: "streaming" | "done" | "interrupted";
  createdAt: number;
  updatedAt: number;
  usage?: TokenUsage;
  durationMs?: number;
  /** The web pages the answer cites. */
  sources?: Source[];
  /** Why an interrupted answer stopped, when it was not stopped on purpose (relay stopped, upstream cut, timeout). */
  failure?: string;
}

/** Limits of the history: LocalStorage is not for large data. */
export const HISTORY_LIMITS = { maxEntries: 100, maxTotalChars: 1_000_000, maxAnswerChars: 200_000 };

/** Characters an entry takes in storage (roughly its JSON size). */
export function entrySize(entry: HistoryEntry): number {
  return JSON.stringify(entry).length;
}

/** Trims one entry's answer so one huge answer cannot push everything else out. */
export function capEntry(entry: HistoryEntry, maxAnswerChars = HISTORY_LIMITS.maxAnswerChars): HistoryEntry {
  if (entry.answer.length <= maxAnswerChars) return entry;
  return { ...entry, answer: `${entry.answer.slice(0, maxAnswerChars)}\n\n…(cut: too long to keep in history)` };
}

/** The ids to delete so the history fits its limits: the oldest go first; `keepId` (being written) stays. */
export function idsOverLimits(
  entries: HistoryEntry[],
  limits: { maxEntries: number; maxTotalChars: number } = HISTORY_LIMITS,
  keepId?: string,
): string[] {
  const newestFirst = [...entries].sort((a, b) => b.createdAt - a.createdAt);
  const keep = new Set<string>();
  let total = 0;
  const kept = keepId ? newestFirst.find((entry) => entry.id === keepId) : undefined;
  if (kept) {
    keep.add(kept.id);
    total += entrySize(kept);
  }
  for (const entry of newestFirst) {
    if (keep.has(entry.id)) continue;
    const size = entrySize(entry);
    if (keep.size >= limits.maxEntries || total + size > limits.maxTotalChars) continue;
    keep.add(entry.id);
    total += size;
  }
  return newestFirst.filter((entry) => !keep.has(entry.id)).map((entry) => entry.id);
}

/** True when the entry's answer stopped before the end (Esc, Raycast closed, connection lost). */
export function isInterrupted(entry: HistoryEntry): boolean {
  return entry.status !== "done";
}

/** Text as History's search compares it: lower case, accents dropped (`Résumé` → `resume`). */
function searchable(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/**
 * Entries in which every word of the search appears, newest first: in the title, the answer, or the messages asked
 * (the text a transform worked on, a chat's follow-ups and earlier answers), ignoring case and accents.
 */
export function searchHistory(entries: HistoryEntry[], search: string): HistoryEntry[] {
  const words = searchable(search).split(/\s+/).filter(Boolean);
  return entries
    .filter((entry) => {
      const asked = entry.messages.filter((message) => message.role !== "system").map((message) => message.content);
      const haystack = searchable([entry.title, entry.answer, ...asked].join("\n"));
      return words.every((word) => haystack.includes(word));
    })
    .sort((a, b) => b.createdAt - a.createdAt);
}
