import { describe, expect, it } from "vitest";
import { createServer, type AddressInfo } from "node:net";
import { errorDetail } from "../../src/errors.js";
import { formatRequestLine, lineLogger, type RequestLogEntry } from "../../src/http/request-log.js";
import { startRelayUnderTest } from "../support/relay-under-test.js";

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

describe("what the log says about failures and secrets", () => {
  it("redacts key-shaped strings in every field, the model included", () => {
    const line = formatRequestLine({
      ...entry("/v1/chat/completions"),
      model: "sk-proj-AbCdEf0123456789pasted",
      failure: "upstream_error",
      detail: "Error psr_leakedTokenValue42",
    });
    expect(line).not.toContain("AbCdEf0123456789pasted");
    expect(line).not.toContain("leakedTokenValue42");
    expect(line).toContain("sk-…");
  });

  it("redacts a key or token glued to a letter or digit before it", () => {
    const token = "psr_Zm9vYmFyYmF6cXV4MDEyMzQ1Njc4OWFiY2RlZmdoaWo";
    const line = formatRequestLine({
      ...entry(`/v1/models/x${token}`),
      model: "xsk-proj-AbCdEf0123456789pasted",
      detail: `Error 7${token}`,
    });
    expect(line).not.toContain(token.slice(4));
    expect(line).not.toContain("AbCdEf0123456789pasted");
    expect(line).toContain("/v1/models/xpsr_…");
    // A name that merely contains the letters is cut too: the log errs on the side of the key.
    expect(formatRequestLine({ ...entry("/v1/x"), model: "task-model-large" })).toContain("task-…");
  });

  it("names an unexpected error by name and code, never by message", () => {
    const error = Object.assign(new TypeError("key sk-test-in-a-message"), { code: "ERR_SOMETHING" });
    expect(errorDetail(error)).toBe("TypeError ERR_SOMETHING");
    expect(
      formatRequestLine({ ...entry("/v1/x", 500), failure: "relay_internal_error", detail: errorDetail(error) }),
    ).toContain("(relay_internal_error: TypeError ERR_SOMETHING)");
  });

  it("logs the name and code of an upstream failure the relay has no word for", async () => {
    // An upstream that answers garbage: the HTTP client fails with its own error, neither a timeout nor a refusal.
    const garbage = createServer((socket) => socket.end("NOT HTTP AT ALL\r\n\r\n"));
    await new Promise<void>((resolve) => garbage.listen(0, "127.0.0.1", resolve));
    const relay = await startRelayUnderTest(`http://127.0.0.1:${(garbage.address() as AddressInfo).port}/v1`);
    try {
      const res = await relay.fetch(`${relay.baseURL}/models`, { headers: { authorization: "Bearer sk-test-log" } });
      expect(res.status).toBe(502);
      await res.arrayBuffer();
      await expect.poll(() => relay.logs.length).toBeGreaterThan(0);
      const logged = relay.logs.at(-1)!;
      expect(logged.failure).toMatch(/^upstream_/);
      expect(logged.failure).toBe("upstream_error");
      expect(logged.detail).toMatch(/^\w+Error( [A-Z_]+)?$/); // e.g. HTTPParserError, SocketError UND_ERR_SOCKET
      expect(formatRequestLine(logged)).toContain(`(${logged.failure}: ${logged.detail})`);
    } finally {
      await relay.relay.stop(100);
      garbage.close();
    }
  });
});
