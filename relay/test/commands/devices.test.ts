import { describe, expect, it } from "vitest";

import { runCommand } from "../support/command.js";
import { useRelayWithFakeUpstream } from "../support/fixture.js";

const t = useRelayWithFakeUpstream();

const run = (...argv: string[]) => runCommand(t.relay.home, ...argv);

describe("passerelle devices and revoke", () => {
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

  it("revokes a name of several words, quoted or not", async () => {
    await run("pair", "--cli", "Salle 12 poste 3", "--json");
    expect((await run("revoke", "Salle", "12", "poste", "3")).code).toBe(0);
    expect((await run("devices")).out).not.toContain("Salle 12");
  });

  it("refuses --restore and --reset together, saying how the command is used", async () => {
    const { code, out, err } = await run("devices", "--restore", "--reset");
    expect(code).toBe(2);
    expect(out).toBe("");
    expect(err).toContain("--restore or --reset, not both");
    expect(err).toContain("Usage: passerelle devices");
  });
});
