import { describe, expect, it } from "vitest";
import { reasoningSummaryWanted, rememberSummaryRefused } from "./reasoning-summary";

describe("a reasoning summary OpenAI refused", () => {
  it("is not asked again for an hour, then asked again (the organization may have been verified since)", async () => {
    const refusedAt = Date.UTC(2026, 11, 5, 9);
    expect(await reasoningSummaryWanted(refusedAt)).toBe(true);
    await rememberSummaryRefused(refusedAt);
    expect(await reasoningSummaryWanted(refusedAt + 59 * 60 * 1000)).toBe(false);
    expect(await reasoningSummaryWanted(refusedAt + 61 * 60 * 1000)).toBe(true);
  });
});
