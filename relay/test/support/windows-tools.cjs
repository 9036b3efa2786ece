// Stand-ins for Windows' own programs (netsh, schtasks, net, icacls, powershell) in the Windows leg's Wine
// prefix, which has none that work: one program, copied under each name into C:\windows\system32. Each run
// is recorded as a JSON line in PASSERELLE_TOOLS_LOG (tool, full path, arguments, the task's XML for
// schtasks /Create) and answered as Windows would for what the relay asks: firewall rules kept in a file
// beside the log and checked by program path, `net session` elevated only under the "UAC prompt", which runs
// the program it is given, as accepted, and PowerShell naming the Startup folder.
"use strict";
/* global require */
/* eslint-disable @typescript-eslint/no-require-imports -- one CommonJS file, made into a Windows program */
const { spawnSync } = require("node:child_process");
const { appendFileSync, existsSync, readFileSync, writeFileSync } = require("node:fs");
const { basename } = require("node:path");

const tool = basename(process.execPath)
  .toLowerCase()
  .replace(/\.exe$/, "");
// A single executable application puts the path it was started by as argv[1].
const args = process.argv.slice(2);
const log = process.env.PASSERELLE_TOOLS_LOG;
const rulesFile = log && `${log}.rules.json`;
const elevated = process.env.PASSERELLE_TOOLS_ELEVATED === "1";

const rules = () => (rulesFile && existsSync(rulesFile) ? JSON.parse(readFileSync(rulesFile, "utf8")) : []);
const saveRules = (list) => rulesFile && writeFileSync(rulesFile, JSON.stringify(list));
const unquote = (text) => text.replace(/^'(.*)'$/s, "$1").replace(/''/g, "'");

function record(extra = {}) {
  if (log) appendFileSync(log, JSON.stringify({ tool, path: process.execPath, args, elevated, ...extra }) + "\n");
}

/** The stand-in for passerelle.exe itself, when a test plays an older installed copy: its version. */
function passerelle() {
  record();
  if (args[0] === "--version") process.stdout.write(`${process.env.PASSERELLE_TOOLS_OLD_VERSION || "0.0.1"}\n`);
  return 0;
}

function netsh() {
  record();
  const name = args.find((a) => a.startsWith("name="))?.slice(5);
  const program = args.find((a) => a.startsWith("program="))?.slice(8);
  if (!elevated && (args[2] === "add" || args[2] === "delete")) return 1;
  if (args[2] === "add" && name && program) return (saveRules([...rules(), { name, program }]), 0);
  if (args[2] === "delete" && name) {
    const kept = rules().filter((rule) => rule.name !== name);
    const removed = kept.length < rules().length;
    saveRules(kept);
    return removed ? 0 : 1;
  }
  return 0;
}

function schtasks() {
  if (args[0] === "/Create") {
    const xml = readFileSync(args[args.indexOf("/XML") + 1])
      .subarray(2)
      .toString("utf16le");
    record({ xml });
    return process.env.PASSERELLE_TOOLS_REFUSE === "schtasks" ? 1 : 0;
  }
  record();
  return 0;
}

function powershell() {
  const script = args[args.indexOf("-Command") + 1] || "";
  record();
  if (script.includes("GetFolderPath('Startup')")) {
    process.stdout.write(`${process.env.APPDATA}\\Microsoft\\Windows\\Start Menu\\Programs\\Startup\r\n`);
    return 0;
  }
  const check = /-DisplayName ('(?:[^']|'')*').*-eq ('(?:[^']|'')*')/.exec(script);
  if (check) {
    const [name, program] = [unquote(check[1]), unquote(check[2]).toLowerCase()];
    return rules().some((rule) => rule.name === name && rule.program.toLowerCase() === program) ? 0 : 1;
  }
  const uac = /Start-Process -FilePath ('(?:[^']|'')*') -ArgumentList ('(?:[^']|'')*') -Verb RunAs/.exec(script);
  if (uac) {
    // The UAC prompt, accepted: the program runs elevated (its arguments never hold a space here).
    const run = spawnSync(unquote(uac[1]), unquote(uac[2]).split(" "), {
      env: { ...process.env, PASSERELLE_TOOLS_ELEVATED: "1" },
      stdio: "ignore",
    });
    return run.status ?? 1;
  }
  return 0;
}

const answers = {
  netsh,
  schtasks,
  powershell,
  passerelle,
  net: () => (record(), elevated ? 0 : 2),
  icacls: () => (record(), 0),
};
process.exit((answers[tool] ?? (() => (record(), 0)))());
