import { describe, expect, it } from "vitest";
import { encodeTaskXml, logonTaskXml, startupFolderScript } from "../../src/windows/schtasks.js";
import { asCmdReadsIt } from "../support/code-page-850.js";

const node = "C:\\Program Files\\nodejs\\node.exe";
const script = "C:\\Users\\Léa\\passerelle\\relay\\bin\\passerelle.js";

describe("the logon task", () => {
  const task = {
    user: "PC-12\\lea",
    program: node,
    args: [script, "--port", "9000", "--models-config", "models.json"],
    workingDirectory: "C:\\Users\\Léa\\Documents",
  };

  it("is this user's logon trigger, without battery conditions or time limit, with the same port and settings", () => {
    const text = logonTaskXml(task);
    expect(text).toContain("<LogonTrigger>\n      <Enabled>true</Enabled>\n      <UserId>PC-12\\lea</UserId>");
    expect(text).toContain("<LogonType>InteractiveToken</LogonType>");
    expect(text).toContain("<RunLevel>LeastPrivilege</RunLevel>");
    expect(text).toContain("<DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>");
    expect(text).toContain("<StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>");
    expect(text).toContain("<ExecutionTimeLimit>PT0S</ExecutionTimeLimit>");
    expect(text).toContain("<Command>C:\\Program Files\\nodejs\\node.exe</Command>");
    expect(text).toContain(
      "<Arguments>C:\\Users\\Léa\\passerelle\\relay\\bin\\passerelle.js --port 9000 --models-config models.json</Arguments>",
    );
    expect(text).toContain("<WorkingDirectory>C:\\Users\\Léa\\Documents</WorkingDirectory>");
  });

  it("escapes XML and quotes a path with spaces", () => {
    const text = logonTaskXml({ ...task, user: "R&D\\lea", args: ["C:\\A <b>\\p.js"] });
    expect(text).toContain("<UserId>R&amp;D\\lea</UserId>");
    expect(text).toContain("<Arguments>&quot;C:\\A &lt;b&gt;\\p.js&quot;</Arguments>");
  });

  it("is written as UTF-16 LE with a byte order mark and CRLF lines, as schtasks /XML reads it", () => {
    const bytes = encodeTaskXml("<a>é</a>\n");
    expect([...bytes.subarray(0, 2)]).toEqual([0xff, 0xfe]);
    expect(bytes.subarray(2).toString("utf16le")).toBe("<a>é</a>\r\n");
  });

  it("falls back to a Startup folder script that keeps % literal and starts the relay minimised", () => {
    expect(startupFolderScript({ ...task, workingDirectory: "C:\\100% Docs" }).split("\r\n")).toEqual([
      "@echo off",
      "chcp 65001 >nul",
      "rem Passerelle relay, started at login (passerelle setup --autostart; --no-autostart removes this file).",
      'cd /d "C:\\100%% Docs"',
      'start "Passerelle relay" /min "C:\\Program Files\\nodejs\\node.exe" C:\\Users\\Léa\\passerelle\\relay\\bin\\passerelle.js --port 9000 --models-config models.json',
      "",
    ]);
  });

  it("whose paths cmd reads as written, accents included: chcp 65001 comes before any of them", () => {
    const folder = "C:\\Users\\Léa\\Mes documents (élève)";
    const text = startupFolderScript({
      program: `${folder}\\passerelle.exe`,
      args: ["--port", "8787"],
      workingDirectory: folder,
    });
    const lines = asCmdReadsIt(Buffer.from(text, "utf8"));
    expect(lines).toContain(`cd /d "${folder}"`);
    expect(lines).toContain(`start "Passerelle relay" /min "${folder}\\passerelle.exe" --port 8787`);
  });
});
