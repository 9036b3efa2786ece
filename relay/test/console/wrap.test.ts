import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSetup } from "../../src/commands/setup.js";
import { loadConfig } from "../../src/config.js";
import { startExtras } from "../../src/console/extras.js";
import { CONSOLE_WIDTH, wrapLine, wrapText } from "../../src/console/wrap.js";
import { relayDir } from "../../scripts/build-relay.ts";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { startRelayProcess, type RelayProcess } from "../support/relay-process.js";
import { startRelayUnderTest, type RelayUnderTest } from "../support/relay-under-test.js";
import { fakePc } from "../support/fake-pc.js";

/**
 * Lines wider than the console: prose must never be (it is wrapped at word boundaries); a command or code
 * to copy (indented by two spaces) may be, since a line break in it would change what runs.
 */
function tooWide(text: string): string[] {
  return text.split(/\r?\n/).filter((line) => line.length > CONSOLE_WIDTH && !line.startsWith("  "));
}

const run = promisify(execFile);

let upstream: FakeUpstream;
let root: string;
let relay: RelayProcess;
let inProcess: RelayUnderTest;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  root = mkdtempSync(join(tmpdir(), "passerelle-width-"));
  relay = await startRelayProcess(root, ["--no-mdns", "--upstream", upstream.baseURL]);
  inProcess = await startRelayUnderTest(upstream.baseURL);
}, 60_000);
afterAll(async () => {
  relay?.child.kill("SIGKILL");
  await relay?.exited;
  await relay?.dispatcher.close();
  await inProcess?.relay.stop(100);
  await upstream?.close();
  rmSync(root, { recursive: true, force: true });
});

describe("what the relay prints fits a default console", () => {
  it("breaks a long line at word boundaries only, and leaves a long word whole", () => {
    const line =
      "Firewall: not changed: the UAC prompt was cancelled, or this account is not an administrator. Ask someone with an administrator account to run it.";
    const wrapped = wrapLine(line).split("\n");
    expect(wrapped.length).toBeGreaterThan(1);
    expect(wrapped.every((piece) => piece.length <= CONSOLE_WIDTH)).toBe(true);
    expect(wrapped.join(" ")).toBe(line);
    expect(wrapped.some((piece) => piece.endsWith("c") && !piece.endsWith("cancelled,"))).toBe(false);
    const json = JSON.stringify({ token: "psr_x", cert: "-----BEGIN CERTIFICATE-----\n" + "A".repeat(200) });
    expect(wrapText(json)).toBe(json);
    const path = `C:\\${"dossier\\".repeat(15)}passerelle.exe`;
    expect(wrapLine(`Copy ${path} there`).split("\n")).toEqual(["Copy", path, "there"]);
  });

  it("--help", async () => {
    const { stdout } = await run(process.execPath, ["bin/passerelle.js", "--help"], { cwd: relayDir });
    expect(stdout).toContain("--pairing-timeout");
    expect(tooWide(stdout)).toEqual([]);
    // Options keep their column: a wrapped description goes on under it.
    expect(stdout).toMatch(/\n {27}\S/);
  });

  it("the relay's window at start, and the commands run beside it", async () => {
    const env = { ...process.env, PASSERELLE_HOME: join(root, "passerelle-home") };
    const said = [relay.output()];
    for (const args of [["pair", "--cli", "a script with a rather long name"], ["devices"], ["setup"], ["cert"]]) {
      const { stdout, stderr } = await run(process.execPath, ["bin/passerelle.js", ...args], { cwd: relayDir, env });
      said.push(stdout, stderr);
    }
    expect(said.join("\n")).toContain("is paired");
    expect(tooWide(said.join("\n"))).toEqual([]);
  }, 60_000);

  it("pairing codes, firewall offers and setup's words on Windows", async () => {
    const printed: string[] = [];
    const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => undefined });
    const downloaded = fakePc({
      target: { program: "C:\\Users\\Léa Martin\\Téléchargements\\passerelle.exe", args: [], port: 8787 },
    });
    const config = { ...loadConfig(["--host", "127.0.0.1"], { PASSERELLE_HOME: inProcess.home }), host: undefined };
    const extras = startExtras({ ...config, mdns: false }, inProcess.relay, (line) => printed.push(line), {
      stop: () => undefined,
      input,
      firewall: downloaded.environment,
      typed: "& 'C:\\Users\\Léa Martin\\Téléchargements\\passerelle.exe'",
    });
    input.write("p");
    await new Promise((resolve) => setTimeout(resolve, 50));
    await extras.stop();
    expect(printed.join("\n")).toContain("Pairing code:");
    expect(printed.join("\n")).toContain("Press f to set it up");

    // Setup's own words, as the console shows them (processIO wraps what commands write).
    let words = "";
    const io = {
      env: {},
      out: (t: string) => void (words += wrapText(t)),
      err: (t: string) => void (words += wrapText(t)),
    };
    await runSetup([], io, fakePc({ target: downloaded.environment.target, uac: "cancelled" }).environment);
    await runSetup(
      ["--autostart"],
      io,
      fakePc({ target: downloaded.environment.target, refuse: /schtasks/ }).environment,
    );
    expect(words).toContain("Get-NetFirewallRule");
    expect(tooWide(printed.join("\n") + "\n" + words)).toEqual([]);
  });
});
