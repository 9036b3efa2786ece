import { describe, expect, it } from "vitest";
import { formatRequestLine, lineLogger, type RequestLogEntry } from "../src/request-log.js";

const entry = (path: string, status = 200): RequestLogEntry => ({
  time: new Date(2026, 10, 26, 10, 31, 2),
  address: "192.168.1.31",
  method: "POST",
  path,
  model: "gpt-4.1-mini",
  status,
  durationMs: 812.4,
  bytes: 4096,
});

describe("request log", () => {
  it("formats one line with the allowed fields only", () => {
    expect(formatRequestLine(entry("/v1/chat/completions"))).toBe(
      "10:31:02 192.168.1.31 POST /v1/chat/completions gpt-4.1-mini 200 812 ms 4.1 kB",
    );
  });

  it("cuts key-like segments out of a path", () => {
    const line = formatRequestLine(entry("/v1/models/sk-test-pasted-by-mistake-0123"));
    expect(line).not.toContain("pasted-by-mistake");
    expect(line).toContain("/v1/models/sk-…");
  });

  it("gathers the lines of one turn of the event loop into a single write", async () => {
    const writes: string[] = [];
    const log = lineLogger((text) => writes.push(text));
    log(entry("/v1/a"));
    log(entry("/v1/b", 404));
    expect(writes).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toHaveLength(1);
    expect(writes[0]!.split("\n")).toEqual([
      expect.stringContaining("POST /v1/a gpt-4.1-mini 200"),
      expect.stringContaining("POST /v1/b gpt-4.1-mini 404"),
      "",
    ]);
    log(entry("/v1/c"));
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toHaveLength(2);
  });
});
