import { afterEach, describe, expect, it, vi } from "vitest";
import { createThrottledText } from "./throttled-text";

afterEach(() => vi.useRealTimers());

describe("createThrottledText", () => {
  it("hands on the whole text at most once per interval", () => {
    vi.useFakeTimers();
    const flushed: string[] = [];
    const buffer = createThrottledText((text) => flushed.push(text), 100);
    for (let i = 0; i < 1000; i++) {
      buffer.append("a");
      vi.advanceTimersByTime(1); // 1,000 pieces over one second
    }
    buffer.flush();
    expect(flushed.length).toBeLessThanOrEqual(11);
    expect(flushed.length).toBeGreaterThanOrEqual(9);
    expect(flushed.at(-1)).toBe("a".repeat(1000));
  });

  it("shows pending text through `text` and flushes nothing when nothing is pending", () => {
    vi.useFakeTimers();
    const onFlush = vi.fn();
    const buffer = createThrottledText(onFlush, 100);
    buffer.append("Hello");
    expect(buffer.text).toBe("Hello");
    expect(onFlush).not.toHaveBeenCalled();
    buffer.flush();
    buffer.flush();
    expect(onFlush).toHaveBeenCalledTimes(1);
    buffer.append(" world");
    buffer.cancel();
    vi.advanceTimersByTime(500);
    expect(onFlush).toHaveBeenCalledTimes(1);
    expect(buffer.text).toBe("Hello world");
  });
});
