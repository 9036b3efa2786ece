import { describe, expect, it } from "vitest";
import { diffMarkdown, diffStats, diffWords } from "./diff";

describe("diffWords", () => {
  it("marks the changed words only", () => {
    const parts = diffWords("Je suis alé au marché hier", "Je suis allé au marché hier soir");
    expect(parts).toEqual([
      { kind: "same", text: "Je suis " },
      { kind: "removed", text: "alé" },
      { kind: "added", text: "allé" },
      { kind: "same", text: " au marché hier" },
      { kind: "added", text: " soir" },
    ]);
    expect(diffMarkdown(parts)).toBe("Je suis ~~alé~~**allé** au marché hier **soir**");
    expect(diffStats(parts)).toEqual({ added: 2, removed: 1 });
  });

  it("rebuilds both texts from the parts", () => {
    const before = "one two three four five";
    const after = "zero one three five six";
    const parts = diffWords(before, after);
    expect(
      parts
        .filter((part) => part.kind !== "added")
        .map((part) => part.text)
        .join(""),
    ).toBe(before);
    expect(
      parts
        .filter((part) => part.kind !== "removed")
        .map((part) => part.text)
        .join(""),
    ).toBe(after);
  });

  it("stays fast on very long texts", () => {
    const long = "word ".repeat(20_000);
    const started = Date.now();
    const parts = diffWords(long, `${long}end`);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(parts.map((part) => part.kind)).toEqual(["removed", "added"]);
  });
});
