import { execFile, spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { runSubcommand } from "../../src/commands/dispatch.js";
import type { CommandIO } from "../../src/commands/io.js";
import { DEVICES_FILE, tokenDigest } from "../../src/state/devices.js";
import { runCommand } from "../support/command.js";
import { useRelayWithFakeUpstream } from "../support/fixture.js";
import { powerShell51Problems } from "../support/powershell.js";

const t = useRelayWithFakeUpstream();

const run = (...argv: string[]) => runCommand(t.relay.home, ...argv);

/** `passerelle pair --cli NAME`'s words, and the token it issued. */
async function pairScript(name: string): Promise<{ out: string; token: string }> {
  const { code, out } = await run("pair", "--cli", name);
  expect(code).toBe(0);
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
      // As the words above the code say: the certificate copied beside the script.
      copyFileSync(t.relay.relay.security.identity.certPath, join(dir, "relay-cert.pem"));
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
        cwd: dir,
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
    expect(code).toContain('cafile="relay-cert.pem"');
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

  it("speaks of the computer that runs the script: the certificate to copy there, never this PC's path in code, and the relay's port", async () => {
    const { out } = await pairScript("elsewhere");
    const { certPath } = t.relay.relay.security.identity;
    const code = snippet(out, "Python (") + snippet(out, "Node (");
    expect(code).not.toContain(certPath);
    expect(out).toContain(`Copy ${certPath}\nto the computer that runs the script, beside the script`);
    expect(out).not.toContain("<port>");
    expect(out).toMatch(new RegExp(`https://[\\w-]+\\.local:${t.relay.relay.port}/v1`));
  });

  it("tells how to unpair it with a command PowerShell 5.1 runs as printed", async () => {
    let out = "";
    const io: CommandIO = {
      env: { PASSERELLE_HOME: t.relay.home },
      out: (text) => void (out += text),
      err: () => {},
      typed: ".\\passerelle.exe",
    };
    expect(await runSubcommand(["pair", "--cli", "Mon script (test)"], io)).toBe(0);
    const revoke = /`([^`]+ revoke [^`]+)`/.exec(out)![1]!;
    expect(revoke).toBe(".\\passerelle.exe revoke 'Mon script (test)'");
    expect(powerShell51Problems(revoke)).toEqual([]);
  });
});

describe("passerelle pair", () => {
  it("issues a token for a script that works with the openai SDK, and stores only its hash", async () => {
    const { code, out } = await run("pair", "--cli", "nightly-script", "--json");
    expect(code).toBe(0);
    const issued = JSON.parse(out) as { token: string; fingerprint: string; cert: string };
    expect(issued.fingerprint).toBe(t.relay.relay.security.identity.fingerprint256);
    expect(issued.cert).toBe(t.relay.certificatePem);
    expect(issued.token).toMatch(/^psr_[A-Za-z0-9_-]{43}$/);
    const models = await t.relay
      .client("sk-test-cli-1", { defaultHeaders: { "X-Passerelle-Token": issued.token } })
      .models.list();
    expect(models.data.length).toBeGreaterThan(0);
    const file = join(t.relay.home, DEVICES_FILE);
    expect(readFileSync(file, "utf8")).not.toContain(issued.token);
    expect(readFileSync(file, "utf8")).toContain(tokenDigest(issued.token).toString("hex"));
    expect(statSync(file).mode & 0o077).toBe(0);
  });

  it("explains the SDK setup in words: base URL, header, certificate file, combined key", async () => {
    const { out } = await run("pair", "--cli", "notebook");
    expect(out).toMatch(/Base URL: +https:\/\/.+:\d+\/v1/);
    expect(out).toContain("X-Passerelle-Token");
    expect(out).toContain(t.relay.relay.security.identity.certPath);
    expect(out).toContain("psr_….<your OpenAI key>");
  });

  it("opens pairing on the running relay and shows the code", async () => {
    const { code, out } = await run("pair");
    expect(code).toBe(0);
    expect(out).toMatch(/Pairing code: +[0-9A-Z]{4}(-[0-9A-Z]{4}){5}/);
    expect(t.relay.relay.security.pairing.isOpen()).toBe(true);
  });

  it("says the relay must be running when it is not", async () => {
    const home = mkdtempSync(join(tmpdir(), "passerelle-empty-"));
    try {
      const { code, err } = await runCommand(home, "pair");
      expect(code).toBe(1);
      expect(err).toContain("not running");
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
