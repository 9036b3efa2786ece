import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";
import { relayHome } from "../src/state/home.js";

const root = mkdtempSync(join(tmpdir(), "passerelle-files-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const json = JSON.stringify(
  { servers: [{ name: "ollama", baseURL: "http://127.0.0.1:11434/v1", models: ["llama3.2*", "qwen2.5-coder:7b"] }] },
  null,
  2,
).replace(/\n/g, "\r\n");

const utf16be = (text: string) => Buffer.from(text, "utf16le").swap16();

/** models.json as Windows editors save it. */
const saved: Record<string, Buffer> = {
  "Notepad (UTF-8 with BOM)": Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json, "utf8")]),
  "PowerShell 5.1 Out-File (UTF-16 LE with BOM)": Buffer.concat([
    Buffer.from([0xff, 0xfe]),
    Buffer.from(json, "utf16le"),
  ]),
  "UTF-16 BE with BOM": Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(json)]),
  "plain UTF-8": Buffer.from(json, "utf8"),
};

describe("files people edit on Windows", () => {
  for (const [how, bytes] of Object.entries(saved)) {
    it(`reads models.json saved by ${how}`, () => {
      const dir = join(root, how.replace(/\W+/g, "-"));
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "models.json"), bytes);
      const config = loadConfig(["--models-config", join(dir, "models.json")], { PASSERELLE_HOME: join(root, "home") });
      expect(config.localServers.map((s) => [s.name, s.baseURL.href, s.models])).toEqual([
        ["ollama", "http://127.0.0.1:11434/v1", ["llama3.2*", "qwen2.5-coder:7b"]],
      ]);
    });
  }

  it("still names a broken file in one line", () => {
    const path = join(root, "broken.json");
    writeFileSync(path, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("{ servers: ", "utf16le")]));
    expect(() => loadConfig(["--models-config", path], { PASSERELLE_HOME: join(root, "home") })).toThrow(ConfigError);
  });

  it("resolves a relative --models-config against where the command was typed (npm's INIT_CWD), not relay/", () => {
    const typedIn = join(root, "Documents");
    mkdirSync(typedIn, { recursive: true });
    writeFileSync(join(typedIn, "models.json"), saved["plain UTF-8"]!);
    const env = { PASSERELLE_HOME: join(root, "home"), INIT_CWD: typedIn };
    expect(loadConfig(["--models-config", "models.json"], env).localServers).toHaveLength(1);
    expect(loadConfig([], { ...env, PASSERELLE_MODELS_CONFIG: "./models.json" }).localServers).toHaveLength(1);
    expect(() => loadConfig(["--models-config", "models.json"], { PASSERELLE_HOME: join(root, "home") })).toThrow(
      /cannot read .*models\.json \(ENOENT\)/,
    );
  });

  it("resolves a relative PASSERELLE_HOME the same way", () => {
    expect(relayHome({ PASSERELLE_HOME: "relay-state", INIT_CWD: "/home/lea/projects" }, "linux")).toBe(
      "/home/lea/projects/relay-state",
    );
  });
});
