import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadOrCreateIdentity } from "../../src/state/identity.js";
import { runCommand } from "../support/command.js";

const home = mkdtempSync(join(tmpdir(), "passerelle-cert-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe("passerelle cert", () => {
  it("prints the certificate and its fingerprint", async () => {
    const identity = await loadOrCreateIdentity(home);
    const { code, out, err } = await runCommand(home, "cert");
    expect(code).toBe(0);
    expect(out.trim()).toBe(identity.certPem.trim());
    expect(err).toContain(identity.fingerprint256);
  });
});
