import { describe, expect, it } from "vitest";
import { explainSelection, isLongInput } from "./selection";

describe("explainSelection", () => {
  it("accepts a real selection", () => {
    expect(explainSelection("Hello")).toBeUndefined();
  });

  it("says nothing is selected (and mentions the permission) for Raycast's usual error or an empty string", () => {
    for (const result of [new Error("Unable to get selected text from frontmost application"), "  "]) {
      const problem = explainSelection(result);
      expect(problem?.kind).toBe("nothing-selected");
      expect(problem?.message).toMatch(/clipboard/);
      expect(problem?.message).toMatch(/Accessibility/);
    }
  });

  it("tells how to grant Accessibility permission when the error names it", () => {
    expect(explainSelection(new Error("Raycast is not allowed to use Accessibility"))).toMatchObject({
      kind: "permission",
      message: expect.stringMatching(/Privacy & Security → Accessibility/),
    });
  });

  it("flags long input", () => {
    expect(isLongInput("x".repeat(40_001))).toBe(true);
    expect(isLongInput("x".repeat(100))).toBe(false);
  });
});
