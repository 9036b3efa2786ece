import { describe, expect, it } from "vitest";
import { answerMarkdown } from "./answer-markdown";

describe("answerMarkdown", () => {
  it("says where an answer stands", () => {
    expect(answerMarkdown({ text: "", isLoading: true, interrupted: false })).toMatch(/Waiting/);
    expect(answerMarkdown({ text: "Hi", isLoading: false, interrupted: true })).toBe(
      "Hi\n\n---\n_Stopped before the end._",
    );
    expect(
      answerMarkdown({
        text: "",
        isLoading: false,
        interrupted: false,
        error: { title: "Relay not running", message: "Start it." },
      }),
    ).toBe("## Relay not running\n\nStart it.");
  });
});
