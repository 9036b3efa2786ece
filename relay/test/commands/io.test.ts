import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCommand } from "../support/command.js";

const home = mkdtempSync(join(tmpdir(), "passerelle-io-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe("a command's options", () => {
  it.each([
    [["cert", "--pth"], "passerelle cert: Unknown option '--pth'", "Usage: passerelle cert [--path]"],
    [["devices", "--restor"], "passerelle devices: Unknown option '--restor'", "Usage: passerelle devices"],
    [["devices", "laptop"], "Unexpected argument 'laptop'", "Usage: passerelle devices"],
    [["revoke", "--all"], "passerelle revoke: Unknown option '--all'", "Usage: passerelle revoke NAME"],
    [["pair", "--cl", "x"], "passerelle pair: Unknown option '--cl'", "Usage: passerelle pair [--cli NAME"],
  ])("refuses %j, a mistyped option, saying how the command is used", async (argv, said, usage) => {
    const { code, out, err } = await runCommand(home, ...argv);
    expect(code).toBe(2);
    expect(out).toBe("");
    expect(err).toContain(said);
    expect(err).toContain(usage);
  });
});
