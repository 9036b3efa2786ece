import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crashLine, installCrashHandlers } from "../src/console/crash.js";
import { startFakeUpstream, type FakeUpstream } from "./support/fake-upstream.js";
import { startRelayProcess } from "./support/relay-process.js";

let upstream: FakeUpstream;
let local: FakeUpstream;
const roots: string[] = [];

beforeAll(async () => {
  upstream = await startFakeUpstream();
  local = await startFakeUpstream({ keyless: true, modelIds: ["llama3.2:3b"] });
}, 60_000);
afterAll(async () => {
  await Promise.all([upstream.close(), local.close()]);
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

function tempRoot(): string {
  const root = mkdtempSync(join(tmpdir(), "passerelle-process-"));
  roots.push(root);
  return root;
}

/** Every file under `dir`, with its content. */
function allFiles(dir: string): Array<[string, string]> {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile())
    .map((path) => [path, readFileSync(path, "latin1")]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ask = { model: "gpt-4.1-mini", messages: [{ role: "user" as const, content: "x" }] };

describe("the relay as a process, with --verbose", () => {
  it("never prints or writes the caller's key, on the happy path and every error path", async () => {
    const SECRET = "Zq7SECRETkey9XwV4";
    const key = `sk-test-${SECRET}`;
    const root = tempRoot();
    const modelsFile = join(root, "models.json");
    writeFileSync(
      modelsFile,
      JSON.stringify({ servers: [{ name: "ollama", baseURL: local.baseURL, models: ["llama3.2*"] }] }),
    );
    const relay = await startRelayProcess(root, [
      "--verbose",
      "--no-mdns",
      "--upstream",
      upstream.baseURL,
      "--models-config",
      modelsFile,
      "--first-byte-timeout",
      "0.3",
      "--idle-timeout",
      "0.3",
      "--max-body",
      "1",
      "--stop-timeout",
      "1",
    ]);
    const client = relay.client(key);
    const settle = (p: Promise<unknown>) =>
      p.then(
        () => "ok",
        (e: unknown) => (e as { status?: number }).status ?? "error",
      );
    const stream = async (p: Promise<AsyncIterable<unknown>>) => {
      for await (const chunk of await p) void chunk;
    };
    const results: unknown[] = [];
    try {
      upstream.options = {};
      results.push(await settle(client.chat.completions.create(ask)));
      results.push(await settle(stream(client.chat.completions.create({ ...ask, stream: true }))));
      results.push(await settle(stream(client.responses.create({ model: "gpt-4.1-mini", input: "x", stream: true }))));
      results.push(await settle(client.models.list()));
      results.push(await settle(client.chat.completions.create({ ...ask, model: "llama3.2:3b" })));
      results.push(await settle(relay.client(`sk-test-bad-${SECRET}`).chat.completions.create(ask))); // 401 echoing the key
      results.push(await settle(relay.client(`sk-test-broke-${SECRET}`).chat.completions.create(ask))); // 429
      results.push(await settle(client.chat.completions.create({ ...ask, model: "no-such-model" }))); // 404
      results.push(await settle(relay.client(`${key} with spaces`).models.list())); // malformed header
      results.push(await settle(client.embeddings.create({ model: "e", input: "x".repeat(1_100_000) }))); // 413
      results.push(await settle(client.get(`/${key}/models`))); // the key in the path
      results.push(await settle(client.get(`/models?api_key=${key}`))); // and in the query
      results.push(
        await settle(
          relay.client(key, { defaultHeaders: { "X-Passerelle-Token": "psr_wrong" } }).models.list(), // unpaired
        ),
      );
      upstream.options = { firstByteDelayMs: 2500 };
      results.push(await settle(client.chat.completions.create(ask))); // first-byte timeout
      upstream.options = { words: ["a", "b"], chunkDelayMs: 2500 };
      results.push(await settle(stream(client.chat.completions.create({ ...ask, stream: true })))); // idle timeout
      upstream.options = { words: ["a", "b", "c"], cutAfterChunks: 1 };
      results.push(await settle(stream(client.chat.completions.create({ ...ask, stream: true })))); // cut
      upstream.options = { redirectTo: "http://127.0.0.1:9/v1/models" };
      results.push(await settle(client.models.list())); // redirect
      upstream.options = { words: Array.from({ length: 50 }, () => "w"), chunkDelayMs: 20 };
      const aborted = new AbortController();
      const abortedStream = client.chat.completions.create({ ...ask, stream: true }, { signal: aborted.signal });
      setTimeout(() => aborted.abort(), 100);
      results.push(await settle(stream(abortedStream))); // caller gone
      upstream.options = {};
      expect(results).toEqual([
        "ok",
        "ok",
        "ok",
        "ok",
        "ok",
        401,
        429,
        404,
        401,
        413,
        404,
        "ok",
        401,
        504,
        "error",
        "error",
        502,
        "ok", // the SDK ends an aborted stream quietly
      ]);
    } finally {
      relay.child.kill("SIGINT");
      await relay.exited;
      await relay.dispatcher.close();
    }
    const printed = relay.output();
    expect(printed).toContain("POST /v1/chat/completions gpt-4.1-mini 200");
    expect(printed).toContain("via ollama");
    expect(printed.split("\n").length).toBeGreaterThan(18);
    for (const [where, text] of [["printed", printed], ...allFiles(root)] as Array<[string, string]>) {
      expect(text.includes(SECRET), `the key's secret part in ${where}`).toBe(false);
    }
  }, 30_000);
});

describe("stopping with Ctrl+C", () => {
  it("stops accepting, lets a stream in flight finish, then exits 0", async () => {
    const relay = await startRelayProcess(tempRoot(), ["--no-mdns", "--upstream", upstream.baseURL]);
    try {
      upstream.options = { words: Array.from({ length: 10 }, (_, i) => `w${i}`), chunkDelayMs: 80 };
      const stream = await relay.client("sk-test-stop-1").chat.completions.create({ ...ask, stream: true });
      let text = "";
      let signalled = false;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? "";
        if (!signalled && text) {
          signalled = true;
          relay.child.kill("SIGINT");
          await sleep(100);
          const refused = await new Promise<boolean>((resolve) => {
            const socket = connect({ host: "127.0.0.1", port: relay.port });
            socket.once("connect", () => resolve(socket.destroy() && false));
            socket.once("error", () => resolve(true));
          });
          expect(refused).toBe(true);
        }
      }
      expect(text).toBe("w0 w1 w2 w3 w4 w5 w6 w7 w8 w9");
      expect(await relay.exited).toBe(0);
      expect(relay.output()).toContain("Stopping");
    } finally {
      relay.child.kill("SIGKILL");
      await relay.dispatcher.close();
    }
  }, 20_000);

  it("does not wait past --stop-timeout for a stream that goes on", async () => {
    const relay = await startRelayProcess(tempRoot(), [
      "--no-mdns",
      "--upstream",
      upstream.baseURL,
      "--stop-timeout",
      "0.5",
    ]);
    try {
      upstream.options = { words: Array.from({ length: 100 }, () => "w"), chunkDelayMs: 100 };
      const stream = await relay.client("sk-test-stop-2").chat.completions.create({ ...ask, stream: true });
      const reading = (async () => {
        for await (const chunk of stream) void chunk;
      })().catch(() => "cut");
      await sleep(200);
      const signalledAt = performance.now();
      relay.child.kill("SIGINT");
      expect(await relay.exited).toBe(0);
      expect(performance.now() - signalledAt).toBeLessThan(2000);
      expect(await reading).toBe("cut");
    } finally {
      relay.child.kill("SIGKILL");
      await relay.dispatcher.close();
    }
  }, 20_000);
});

describe("a crash", () => {
  it("prints a line without the error's message, then exits", () => {
    const error = Object.assign(new TypeError("Bearer sk-test-CRASHSECRET leaked"), { code: "ERR_X" });
    expect(crashLine(error)).toContain("TypeError ERR_X");
    expect(crashLine(error)).not.toContain("CRASHSECRET");
    const lines: string[] = [];
    const codes: number[] = [];
    const before = process.listeners("uncaughtException").length;
    installCrashHandlers(
      (line) => lines.push(line),
      (code) => codes.push(code),
    );
    const handler = process.listeners("uncaughtException").at(-1)!;
    handler(error, "uncaughtException");
    process.removeListener("uncaughtException", handler);
    const rejection = process.listeners("unhandledRejection").at(-1)!;
    process.removeListener("unhandledRejection", rejection);
    expect(process.listeners("uncaughtException")).toHaveLength(before);
    expect(lines).toEqual([crashLine(error)]);
    expect(codes).toEqual([70]);
  });
});
