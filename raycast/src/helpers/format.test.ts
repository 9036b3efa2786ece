import { describe, expect, it } from "vitest";
import { answerMarkdown, formatDuration, formatSize, formatUsage } from "./format";

describe("format", () => {
  it("formats usage, durations and sizes", () => {
    expect(formatUsage({ prompt: 1234, completion: 56 })).toBe("1,234 in · 56 out");
    expect(formatUsage(undefined)).toBeUndefined();
    expect(formatDuration(850)).toBe("850 ms");
    expect(formatDuration(2430)).toBe("2.4 s");
    expect(formatDuration(65_000)).toBe("1 min 5 s");
    expect(formatSize(120)).toBe("120 characters");
    expect(formatSize(48_200)).toBe("48k characters");
  });

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
