import { describe, expect, it } from "vitest";
import { capEntry, idsOverLimits, isInterrupted, searchHistory, type HistoryEntry } from "./history-bounds";

function entry(
  id: string,
  createdAt: number,
  answer = "answer",
  status: HistoryEntry["status"] = "done",
): HistoryEntry {
  return {
    id,
    kind: "ask",
    title: `question ${id}`,
    messages: [],
    answer,
    model: "m",
    status,
    createdAt,
    updatedAt: createdAt,
  };
}

describe("history bounds", () => {
  it("drops the oldest entries beyond the count limit", () => {
    const entries = [entry("a", 1), entry("b", 2), entry("c", 3), entry("d", 4)];
    expect(idsOverLimits(entries, { maxEntries: 2, maxTotalChars: 1e9 }).sort()).toEqual(["a", "b"]);
  });

  it("drops the oldest entries beyond the size limit, keeping the one being written", () => {
    const big = "x".repeat(1000);
    const entries = [entry("old", 1, big), entry("mid", 2, big), entry("new", 3, big)];
    expect(idsOverLimits(entries, { maxEntries: 10, maxTotalChars: 2500 })).toEqual(["old"]);
    // The entry being streamed (even if older, e.g. a regenerated one) is never the one removed.
    expect(idsOverLimits(entries, { maxEntries: 10, maxTotalChars: 2500 }, "old")).toEqual(["mid"]);
  });

  it("cuts one huge answer instead of letting it push everything out", () => {
    const capped = capEntry(entry("a", 1, "y".repeat(500)), 100);
    expect(capped.answer.startsWith("y".repeat(100))).toBe(true);
    expect(capped.answer).toMatch(/cut/);
    expect(capped.answer.length).toBeLessThan(200);
  });

  it("treats anything not done as interrupted", () => {
    expect(isInterrupted(entry("a", 1, "x", "streaming"))).toBe(true);
    expect(isInterrupted(entry("a", 1, "x", "interrupted"))).toBe(true);
    expect(isInterrupted(entry("a", 1, "x", "done"))).toBe(false);
  });

  it("searches questions and answers, newest first", () => {
    const entries = [entry("a", 1, "Paris is big"), entry("b", 2, "Lyon"), entry("c", 3, "paris again")];
    expect(searchHistory(entries, "PARIS").map((found) => found.id)).toEqual(["c", "a"]);
    expect(searchHistory(entries, "question lyon").map((found) => found.id)).toEqual(["b"]);
    expect(searchHistory(entries, "").map((found) => found.id)).toEqual(["c", "b", "a"]);
  });

  it("searches what was asked too, ignoring accents and case, but not the system's instructions", () => {
    const chat: HistoryEntry = {
      ...entry("chat", 1),
      messages: [
        { role: "system", content: "You are a helpful assistant." },
        { role: "user", content: "Un résumé du livre ?" },
        { role: "assistant", content: "Voici." },
        { role: "user", content: "Et la fin, en détail ?" },
      ],
    };
    expect(searchHistory([chat], "RESUME").map((found) => found.id)).toEqual(["chat"]);
    expect(searchHistory([chat], "résumé détail").map((found) => found.id)).toEqual(["chat"]);
    expect(searchHistory([chat], "helpful")).toEqual([]);
  });
});
