import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runSubcommand } from "../../src/commands/dispatch.js";
import type { CommandIO } from "../../src/commands/io.js";
import { tokenDigest } from "../../src/state/devices.js";
import { DEVICES_FILE } from "../../src/state/devices.js";

import { useRelayWithFakeUpstream } from "../support/fixture.js";

const t = useRelayWithFakeUpstream();

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: CommandIO = {
    env: { PASSERELLE_HOME: t.relay.home },
    out: (t) => void (out += t),
    err: (t) => void (err += t),
  };
  const code = await runSubcommand(argv, io);
  return { code, out, err };
}

describe("passerelle pair --cli, devices, revoke, cert", () => {
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

  it("lists devices and revokes one by name, at once for the running relay", async () => {
    const { out } = await run("pair", "--cli", "to-revoke", "--json");
    const { token } = JSON.parse(out) as { token: string };
    const use = () =>
      t.relay.fetch(`${t.relay.baseURL}/models`, {
        headers: { authorization: "Bearer sk-test-r", "x-passerelle-token": token },
      });
    expect((await use()).status).toBe(200);
    const listed = await run("devices");
    expect(listed.out).toContain("to-revoke");
    expect(listed.out).toContain("test-device");
    expect((await run("revoke", "to-revoke")).code).toBe(0);
    expect((await use()).status).toBe(401);
    expect((await run("devices")).out).not.toContain("to-revoke");
    expect((await run("revoke", "to-revoke")).code).toBe(1);
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
      let err = "";
      const code = await runSubcommand(["pair"], {
        env: { PASSERELLE_HOME: home },
        out: () => undefined,
        err: (t) => void (err += t),
      });
      expect(code).toBe(1);
      expect(err).toContain("not running");
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it.each([
    [["cert", "--pth"], "passerelle cert: Unknown option '--pth'", "Usage: passerelle cert [--path]"],
    [["devices", "--restor"], "passerelle devices: Unknown option '--restor'", "Usage: passerelle devices"],
    [["devices", "--restore", "--reset"], "--restore or --reset, not both", "Usage: passerelle devices"],
    [["devices", "laptop"], "Unexpected argument 'laptop'", "Usage: passerelle devices"],
    [["revoke", "--all"], "passerelle revoke: Unknown option '--all'", "Usage: passerelle revoke NAME"],
    [["pair", "--cl", "x"], "passerelle pair: Unknown option '--cl'", "Usage: passerelle pair [--cli NAME"],
  ])("refuses %j, a mistyped option, saying how the command is used", async (argv, said, usage) => {
    const { code, out, err } = await run(...argv);
    expect(code).toBe(2);
    expect(out).toBe("");
    expect(err).toContain(said);
    expect(err).toContain(usage);
  });

  it("revokes a name of several words, quoted or not", async () => {
    await run("pair", "--cli", "Salle 12 poste 3", "--json");
    expect((await run("revoke", "Salle", "12", "poste", "3")).code).toBe(0);
    expect((await run("devices")).out).not.toContain("Salle 12");
  });

  it("prints the certificate and its fingerprint", async () => {
    const { out, err } = await run("cert");
    expect(out.trim()).toBe(t.relay.certificatePem.trim());
    expect(err).toContain(t.relay.relay.security.identity.fingerprint256);
  });
});
