import { describe, expect, it } from "vitest";
import { formatDuration, formatMegabytes, formatSize, formatUsage } from "./format";

describe("format", () => {
  it("formats usage, durations and sizes", () => {
    expect(formatUsage({ prompt: 1234, completion: 56 })).toBe("1,234 in · 56 out");
    expect(formatUsage(undefined)).toBeUndefined();
    expect(formatDuration(850)).toBe("850 ms");
    expect(formatDuration(2430)).toBe("2.4 s");
    expect(formatDuration(65_000)).toBe("1 min 5 s");
    expect(formatSize(120)).toBe("120 characters");
    expect(formatSize(48_200)).toBe("48k characters");
    expect(formatMegabytes(4_200_000)).toBe("4.2 MB");
    expect(formatMegabytes(8_000_000)).toBe("8 MB");
    expect(formatMegabytes(26_400_000)).toBe("26 MB");
  });
});
