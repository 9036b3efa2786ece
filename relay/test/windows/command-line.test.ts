import { describe, expect, it } from "vitest";
import { quoteWindows } from "../../src/windows/command-line.js";

describe("Windows command lines", () => {
  it("quote arguments the way CreateProcess reads them", () => {
    expect(quoteWindows("plain")).toBe("plain");
    expect(quoteWindows("a b")).toBe('"a b"');
    expect(quoteWindows('say "hi"')).toBe('"say \\"hi\\""');
    expect(quoteWindows("C:\\dir with space\\")).toBe('"C:\\dir with space\\\\"');
  });
});
