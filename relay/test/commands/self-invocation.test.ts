import { describe, expect, it } from "vitest";
import { selfInvocation, typedProgram } from "../../src/commands/self-invocation.js";
import { powerShell51Problems } from "../support/powershell.js";

const node = "C:\\Program Files\\nodejs\\node.exe";
const script = "C:\\Users\\Léa\\passerelle\\relay\\bin\\passerelle.js";

describe("the relay's stable path, and how a person types it", () => {
  it("is the program alone when packaged, else node and the script's absolute path", () => {
    expect(selfInvocation(true, "C:\\x\\passerelle.exe", "C:\\x\\passerelle.exe", "win32")).toEqual({
      program: "C:\\x\\passerelle.exe",
      args: [],
      typed: "C:\\x\\passerelle.exe",
    });
    const underNode = selfInvocation(false, "/usr/bin/node", "bin/passerelle.js", "linux");
    expect(underNode.program).toBe("/usr/bin/node");
    expect(underNode.args[0]).toMatch(/^\/.*bin\/passerelle\.js$/);
    expect(underNode.typed).toBe("npx passerelle");
  });

  it("is typed as PowerShell 5.1 runs it: .\\passerelle.exe in its folder, & 'path' elsewhere, npx.cmd from the source", () => {
    const exe = { program: "C:\\Users\\Léa Martin\\Downloads\\passerelle.exe", args: [] };
    const forms = [
      typedProgram(exe, { platform: "win32", cwd: "C:\\Users\\Léa Martin\\Downloads" }),
      typedProgram(exe, { platform: "win32", cwd: "C:\\Users\\Léa Martin" }),
      typedProgram(exe, { platform: "win32" }),
      typedProgram({ program: "C:\\Tools\\passerelle.exe", args: [] }, { platform: "win32" }),
      typedProgram({ program: node, args: [script] }, { platform: "win32" }),
    ];
    expect(forms).toEqual([
      ".\\passerelle.exe",
      "& 'C:\\Users\\Léa Martin\\Downloads\\passerelle.exe'",
      "& 'C:\\Users\\Léa Martin\\Downloads\\passerelle.exe'",
      "C:\\Tools\\passerelle.exe",
      "npx.cmd passerelle",
    ]);
    for (const form of forms) expect(powerShell51Problems(`${form} revoke 'MonScript'`), form).toEqual([]);
    // What was printed before.
    expect(powerShell51Problems("passerelle.exe devices")).not.toEqual([]);
    expect(powerShell51Problems("npx passerelle")).not.toEqual([]);
    expect(powerShell51Problems("passerelle pair")).not.toEqual([]);
  });
});
