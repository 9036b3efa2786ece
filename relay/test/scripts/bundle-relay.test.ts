/**
 * The single script passerelle.exe runs, checked with this machine's Node.js from a folder with nothing beside
 * it: whatever the bundle forgot to include would fail to load here as it would in the executable.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { relayDir } from "../../scripts/build-relay.ts";
import { bundleRelay } from "../../scripts/bundle-relay.ts";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { pinnedFetch } from "../support/relay-under-test.js";

const KEY = "sk-test-bundle-0123456789";

describe("the bundled relay (passerelle.exe's script)", () => {
  let dir: string;
  let bundle: string;
  let env: NodeJS.ProcessEnv;
  let upstream: FakeUpstream;
  let relay: ChildProcess | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "passerelle-bundle-"));
    bundle = join(dir, "passerelle.cjs");
    await bundleRelay(bundle);
    env = { PATH: process.env.PATH, HOME: dir, PASSERELLE_HOME: join(dir, "home") };
    upstream = await startFakeUpstream();
  }, 60_000);

  afterAll(async () => {
    relay?.kill("SIGKILL");
    await upstream?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (args: string[]) =>
    execFileSync(process.execPath, [bundle, ...args], { cwd: dir, env, encoding: "utf8" });

  it("carries its version and the parts it loads only when needed (mDNS)", () => {
    const { version } = JSON.parse(readFileSync(join(relayDir, "package.json"), "utf8")) as { version: string };
    expect(run(["--version"]).trim()).toBe(version);
    const text = readFileSync(bundle, "utf8");
    expect(text).toMatch(/node_modules\/bonjour-service\//);
    expect(text).toMatch(/node_modules\/multicast-dns\//);
    expect(text).not.toMatch(/\bimport\.meta\b/);
  });

  it("serves, pairs a script and streams an answer with the caller's key, then stops", async () => {
    const child = spawn(
      process.execPath,
      [bundle, "--host", "127.0.0.1", "--port", "0", "--no-mdns", "--upstream", upstream.baseURL],
      { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] },
    );
    relay = child;
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString("utf8")));
    child.stderr.on("data", (d: Buffer) => (output += d.toString("utf8")));
    const exited = new Promise<number | null>((done) => child.once("exit", done));
    const port = await new Promise<number>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`no start:\n${output}`)), 15_000);
      child.stdout.on("data", () => {
        const found = /listening on port (\d+)/.exec(output);
        if (found) done((clearTimeout(timer), Number(found[1])));
      });
      void exited.then(() => fail(new Error(`exited:\n${output}`)));
    });

    const paired = JSON.parse(run(["pair", "--cli", "bundle-test", "--json"])) as {
      token: string;
      fingerprint: string;
      cert: string;
    };
    const dispatcher = new Agent({
      connect: {
        ca: [paired.cert],
        checkServerIdentity: (_host, cert) =>
          cert.fingerprint256 === paired.fingerprint ? undefined : new Error("not the relay's certificate"),
      },
    });
    const client = new OpenAI({
      apiKey: KEY,
      baseURL: `https://127.0.0.1:${port}/v1`,
      maxRetries: 0,
      fetch: pinnedFetch(dispatcher) as unknown as typeof globalThis.fetch,
      defaultHeaders: { "X-Passerelle-Token": paired.token },
    });
    let text = "";
    const stream = await client.chat.completions.create({
      model: "gpt-4.1-mini",
      stream: true,
      messages: [{ role: "user", content: "un seul fichier" }],
    });
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    await dispatcher.close();
    expect(text).toBe("Echo: un seul fichier");
    expect(upstream.requests.at(-1)?.headers.authorization).toBe(`Bearer ${KEY}`);

    // On Windows, kill() is TerminateProcess: no handler runs (the Wine leg types Ctrl+C instead).
    if (process.platform !== "win32") {
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(output).toContain("Stopping");
    }
    expect(output).not.toContain(KEY);
    expect(output).not.toContain(paired.token);
  }, 60_000);
});
