import { describe, expect, it } from "vitest";
import { display } from "../../src/windows/command-line.js";
import { ownerOnlyAclCommands } from "../../src/windows/icacls.js";

const windowsEnv = { SystemRoot: "C:\\Windows" };

describe("the relay's folder on Windows", () => {
  it("limit the relay's folder to its owner with icacls", () => {
    expect(
      ownerOnlyAclCommands("C:\\Users\\Léa Martin\\AppData\\Local\\Passerelle", "PC-12\\lea", windowsEnv).map(display),
    ).toEqual([
      'C:\\Windows\\System32\\icacls.exe "C:\\Users\\Léa Martin\\AppData\\Local\\Passerelle" /grant:r PC-12\\lea:(OI)(CI)F',
      'C:\\Windows\\System32\\icacls.exe "C:\\Users\\Léa Martin\\AppData\\Local\\Passerelle" /inheritance:r',
    ]);
  });
});
