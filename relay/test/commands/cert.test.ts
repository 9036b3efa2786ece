import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runSubcommand } from "../../src/commands/dispatch.js";
import { loadOrCreateIdentity } from "../../src/state/identity.js";

const home = mkdtempSync(join(tmpdir(), "passerelle-cert-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe("passerelle cert", () => {
  it("prints the certificate and its fingerprint", async () => {
    const identity = await loadOrCreateIdentity(home);
    let out = "";
    let err = "";
    const io = {
      env: { PASSERELLE_HOME: home },
      out: (t: string) => void (out += t),
      err: (t: string) => void (err += t),
    };
    expect(await runSubcommand(["cert"], io)).toBe(0);
    expect(out.trim()).toBe(identity.certPem.trim());
    expect(err).toContain(identity.fingerprint256);
  });
});
