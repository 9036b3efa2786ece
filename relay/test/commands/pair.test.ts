import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { runSubcommand } from "../../src/commands/dispatch.js";
import type { CommandIO } from "../../src/commands/io.js";
import { useRelayWithFakeUpstream } from "../support/fixture.js";

const t = useRelayWithFakeUpstream();

/** `passerelle pair --cli NAME`'s words, and the token it issued. */
async function pairScript(name: string): Promise<{ out: string; token: string }> {
  let out = "";
  const io: CommandIO = { env: { PASSERELLE_HOME: t.relay.home }, out: (text) => void (out += text), err: () => {} };
  expect(await runSubcommand(["pair", "--cli", name], io)).toBe(0);
  return { out, token: /Token: +(psr_\S+)/.exec(out)![1]! };
}

/** The lines of the snippet under `heading`, without their indentation (up to the blank line that ends it). */
function snippet(out: string, heading: string): string {
  const start = out.indexOf(heading);
  expect(start, `no "${heading}" in the output`).toBeGreaterThanOrEqual(0);
  const body = out.slice(out.indexOf("\n", start) + 1).split("\n\n")[0]!;
  return body
    .split("\n")
    .map((line) => line.replace(/^ {2}/, ""))
    .join("\n");
}

describe("pair --cli snippets", () => {
  it("prints a Node snippet that streams an answer through the relay as printed (openai + undici, pinned)", async () => {
    const { out, token } = await pairScript("node-script");
    const code = snippet(out, "Node (");
    expect(code).not.toContain(token); // the token comes from the environment, not from a file
    const dir = mkdtempSync(join(tmpdir(), "passerelle-snippet-"));
    try {
      // The snippet imports openai and undici as a project of its own would: from a node_modules beside it.
      const modules = fileURLToPath(new URL("../../../node_modules", import.meta.url));
      symlinkSync(modules, join(dir, "node_modules"), "junction");
      const file = join(dir, "ask.mjs");
      t.upstream.options = { words: ["Bonjour", "du", "PC"] };
      writeFileSync(
        file,
        `${code}
const stream = await client.chat.completions.create({ model: "gpt-4.1-mini", stream: true,
  messages: [{ role: "user", content: "Bonjour ?" }] });
let text = "";
for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
console.log(text);
`,
      );
      const run = await promisify(execFile)(process.execPath, [file], {
        env: { ...process.env, PASSERELLE_TOKEN: token, OPENAI_API_KEY: "sk-test-from-the-snippet" },
        timeout: 20_000,
      });
      expect(run.stdout.trim()).toBe("Bonjour du PC");
      const call = t.upstream.requests.find((request) => request.path === "/v1/chat/completions")!;
      expect(call.headers.authorization).toBe("Bearer sk-test-from-the-snippet");
      expect(call.headers["x-passerelle-token"]).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // The Python package cannot be installed here (no PyPI): its snippet is checked for shape, and for syntax
  // when a Python is on the machine.
  it("prints a Python snippet for the current openai package, which ships its own HTTP client", async () => {
    const { out, token } = await pairScript("python-script");
    const code = snippet(out, "Python (");
    expect(code).not.toMatch(/import httpx|httpx\.Client/);
    expect(code).toContain("http_client=openai.DefaultHttpxClient(verify=tls)");
    expect(code).toContain(`cafile=${JSON.stringify(t.relay.relay.security.identity.certPath)}`);
    expect(code).toContain("tls.check_hostname = False");
    expect(code).toMatch(/base_url="https:\/\/127\.0\.0\.1:\d+\/v1"/);
    expect(code).toContain('os.environ["PASSERELLE_TOKEN"]');
    expect(code).not.toContain(token);
    const python = ["python3", "python"].find((name) => spawnSync(name, ["--version"]).status === 0);
    if (python) {
      const parsed = spawnSync(python, ["-c", "import ast, sys; ast.parse(sys.stdin.read())"], { input: code });
      expect(parsed.stderr.toString()).toBe("");
      expect(parsed.status).toBe(0);
    }
  });
});
