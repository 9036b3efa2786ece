import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import { modelRouter, parseModelsConfig, type LocalServer } from "../../src/upstream/local-models.js";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { startRelayUnderTest, type RelayUnderTest } from "../support/relay-under-test.js";

let openai: FakeUpstream;
let ollama: FakeUpstream;
let slow: FakeUpstream;
let relay: RelayUnderTest;

beforeAll(async () => {
  openai = await startFakeUpstream();
  ollama = await startFakeUpstream({ keyless: true });
  slow = await startFakeUpstream({ keyless: true });
  const localServers: LocalServer[] = [
    { name: "ollama", baseURL: new URL(ollama.baseURL), models: ["llama3.2*", "qwen2.5-coder:7b"] },
    { name: "lmstudio", baseURL: new URL("http://127.0.0.1:9/v1"), models: ["mistral*"] }, // switched off
    { name: "llamacpp", baseURL: new URL(slow.baseURL), models: ["gemma*"] }, // hangs
  ];
  relay = await startRelayUnderTest(openai.baseURL, { localServers });
});
afterAll(async () => {
  await relay.relay.stop(100);
  await Promise.all([openai.close(), ollama.close(), slow.close()]);
});
beforeEach(() => {
  for (const fake of [openai, ollama, slow]) fake.requests.length = 0;
  openai.options = {};
  ollama.options = { keyless: true, modelIds: ["llama3.2:3b", "qwen2.5-coder:7b", "phi3:mini"] };
  slow.options = { keyless: true, modelIds: ["gemma3:4b"], firstByteDelayMs: 10_000 };
});

describe("models served by the PC's own model servers", () => {
  it("sends a local model's request to its server, bytes unchanged, with no key and no OpenAI headers", async () => {
    const params = {
      model: "llama3.2:3b",
      messages: [{ role: "user" as const, content: "Bonjour ü 🎉" }],
      stream: true as const,
    };
    const client = relay.client("sk-test-local-1", { organization: "org-secret" });
    const stream = await client.chat.completions.create(params);
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe("Echo: Bonjour ü 🎉");
    expect(openai.requests).toHaveLength(0);
    const seen = ollama.requests[0]!;
    expect(seen.path).toBe("/v1/chat/completions");
    expect(seen.body).toBe(JSON.stringify(params));
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.headers["openai-organization"]).toBeUndefined();
    expect(relay.logs.at(-1)).toMatchObject({ model: "llama3.2:3b", status: 200 });
  });

  it("routes exact names and prefixes, and everything else to OpenAI with the caller's key", async () => {
    await relay.client("sk-test-local-2").chat.completions.create({
      model: "qwen2.5-coder:7b",
      messages: [{ role: "user", content: "x" }],
    });
    await relay.client("sk-test-local-2").chat.completions.create({
      model: "gpt-4.1-mini",
      messages: [{ role: "user", content: "x" }],
    });
    expect(ollama.requests.map((r) => JSON.parse(r.body).model)).toEqual(["qwen2.5-coder:7b"]);
    expect(openai.requests.map((r) => r.headers.authorization)).toEqual(["Bearer sk-test-local-2"]);
  });

  it("lists OpenAI's models and the local ones, leaving out a server that is off or too slow", async () => {
    const started = performance.now();
    const models = await relay.client("sk-test-local-3").models.list();
    expect(models.data.map((m) => m.id)).toEqual(["gpt-4.1-mini", "gpt-4.1", "llama3.2:3b", "qwen2.5-coder:7b"]);
    // The PC's own models say which server answers for them; OpenAI's are left as OpenAI sent them.
    const servers = models.data.map((m) => (m as { passerelle_server?: string }).passerelle_server);
    expect(servers).toEqual([undefined, undefined, "ollama", "ollama"]);
    expect(performance.now() - started).toBeLessThan(3000);
    expect(openai.requests[0]?.headers.authorization).toBe("Bearer sk-test-local-3");
    expect(ollama.requests[0]?.headers.authorization).toBeUndefined();
  });

  it("lists the local models alone when OpenAI cannot be reached", async () => {
    const offline = await startRelayUnderTest("http://127.0.0.1:9/v1", {
      localServers: [{ name: "ollama", baseURL: new URL(ollama.baseURL), models: ["llama3.2*"] }],
    });
    try {
      const models = await offline.client("sk-test-local-offline").models.list();
      expect(models.data.map((m) => m.id)).toEqual(["llama3.2:3b"]);
    } finally {
      await offline.relay.stop(100);
    }
  });

  it("passes OpenAI's refusal of the key through unchanged", async () => {
    const error = await relay
      .client("sk-test-bad-local")
      .models.list()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 401, code: "invalid_api_key" });
  });
});

describe("the models file", () => {
  const good = { servers: [{ name: "ollama", baseURL: "http://127.0.0.1:11434/v1", models: ["llama3.2*"] }] };

  it("accepts Ollama, LM Studio and llama.cpp entries, exact names before the longest prefix", () => {
    const servers = parseModelsConfig(
      JSON.stringify({
        servers: [
          { name: "ollama", baseURL: "http://127.0.0.1:11434/v1/", models: ["llama*", "llama3.2:1b"] },
          { name: "lmstudio", baseURL: "http://127.0.0.1:1234/v1", models: ["llama3.2*"] },
          { name: "llamacpp", baseURL: "http://127.0.0.1:8080/v1", models: ["gguf-local"] },
        ],
      }),
      "models.json",
    );
    const route = modelRouter(servers);
    expect(route("llama3.2:1b")?.name).toBe("ollama");
    expect(route("llama3.2:3b")?.name).toBe("lmstudio");
    expect(route("llama2")?.name).toBe("ollama");
    expect(route("gguf-local")?.name).toBe("llamacpp");
    expect(route("gpt-4.1")).toBeUndefined();
    expect(servers[0]?.baseURL.href).toBe("http://127.0.0.1:11434/v1");
  });

  it.each([
    ["{ not json", /models\.json: is not valid JSON/],
    [JSON.stringify({ server: [] }), /must be an object with a "servers" list/],
    [JSON.stringify({ servers: [{ ...good.servers[0], baseURL: "ftp://x" }] }), /servers\[0\] \("ollama"\): "baseURL"/],
    [JSON.stringify({ servers: [{ ...good.servers[0], models: [] }] }), /servers\[0\] \("ollama"\): "models"/],
    [JSON.stringify({ servers: [{ ...good.servers[0], model: ["x"] }] }), /unknown field "model"/],
    [
      JSON.stringify({ servers: [good.servers[0], { ...good.servers[0], name: "b" }] }),
      /servers\[1\] \("b"\).*"ollama"/,
    ],
    [JSON.stringify({ servers: [{ ...good.servers[0], models: ["a b"] }] }), /model "a b"/],
  ])("refuses %s with one clear line", (text, message) => {
    expect(() => parseModelsConfig(text, "models.json")).toThrow(message);
    try {
      parseModelsConfig(text, "models.json");
    } catch (error) {
      expect((error as Error).message).not.toContain("\n");
    }
  });

  it("is read from --models-config, from PASSERELLE_MODELS_CONFIG, or from models.json in the relay's home", () => {
    const dir = mkdtempSync(join(tmpdir(), "passerelle-models-"));
    try {
      const file = join(dir, "mine.json");
      writeFileSync(file, JSON.stringify(good));
      expect(loadConfig(["--models-config", file], { PASSERELLE_HOME: dir }).localServers[0]?.name).toBe("ollama");
      expect(loadConfig([], { PASSERELLE_HOME: dir, PASSERELLE_MODELS_CONFIG: file }).localServers).toHaveLength(1);
      expect(loadConfig([], { PASSERELLE_HOME: dir }).localServers).toEqual([]);
      writeFileSync(join(dir, "models.json"), JSON.stringify(good));
      expect(loadConfig([], { PASSERELLE_HOME: dir }).localServers).toHaveLength(1);
      expect(() => loadConfig(["--models-config", join(dir, "none.json")], {})).toThrow(ConfigError);
      writeFileSync(file, "[]");
      expect(() => loadConfig(["--models-config", file], {})).toThrow(/--models-config \(.*mine\.json\): must be/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
