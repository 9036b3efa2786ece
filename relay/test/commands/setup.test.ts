import { describe, expect, it } from "vitest";
import type { CommandIO } from "../../src/commands/io.js";
import { runSetup, type SetupEnvironment } from "../../src/commands/setup.js";
import { selfInvocation } from "../../src/commands/self-invocation.js";
import { display, quoteWindows } from "../../src/windows/command-line.js";
import { elevateCommand } from "../../src/windows/elevation.js";
import {
  encodeTaskXml,
  logonTaskXml,
  removeAutostartCommand,
  startupFolderScript,
} from "../../src/windows/schtasks.js";
import { firewallCommands } from "../../src/windows/netsh.js";
import { ownerOnlyAclCommands } from "../../src/windows/icacls.js";

const node = "C:\\Program Files\\nodejs\\node.exe";
const script = "C:\\Users\\Léa\\passerelle\\relay\\bin\\passerelle.js";
const target = { program: node, args: [script], port: 8787 };
const packaged = { program: "C:\\Users\\Léa\\Downloads\\passerelle.exe", args: [], port: 8787 };

function capture(): CommandIO & { text: () => string } {
  let text = "";
  return { env: {}, out: (t) => void (text += t), err: (t) => void (text += t), text: () => text };
}

describe("Windows firewall commands", () => {
  it("remove the Block rules Windows made for this very program first, then allow it from the local subnet on every profile", () => {
    const lines = firewallCommands(target).map(display);
    expect(lines[0]).toBe(
      `powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -Command "Get-NetFirewallRule -Direction Inbound -Action Block -ErrorAction SilentlyContinue | Where-Object { [Environment]::ExpandEnvironmentVariables(($_ | Get-NetFirewallApplicationFilter).Program) -eq 'C:\\Program Files\\nodejs\\node.exe' } | Remove-NetFirewallRule"`,
    );
    expect(lines.slice(1)).toEqual([
      'netsh advfirewall firewall delete rule "name=Passerelle relay (TCP 8787)"',
      'netsh advfirewall firewall add rule "name=Passerelle relay (TCP 8787)" dir=in action=allow remoteip=localsubnet profile=any "program=C:\\Program Files\\nodejs\\node.exe" enable=yes protocol=TCP localport=8787',
      'netsh advfirewall firewall delete rule "name=Passerelle relay (mDNS)"',
      'netsh advfirewall firewall add rule "name=Passerelle relay (mDNS)" dir=in action=allow remoteip=localsubnet profile=any "program=C:\\Program Files\\nodejs\\node.exe" enable=yes protocol=UDP localport=5353',
    ]);
  });

  it("keep a quote in a path inside PowerShell's single-quoted string", () => {
    const [removal] = firewallCommands({ ...packaged, program: "C:\\Users\\O'Brien\\passerelle.exe" });
    expect(removal!.args.at(-1)).toContain("-eq 'C:\\Users\\O''Brien\\passerelle.exe' }");
  });

  it("elevate the program's own path through the UAC prompt, with its script, never through npx", () => {
    const command = elevateCommand(node, [script, "setup", "--firewall-only", "--port", "8787"]);
    expect(command.file).toBe("powershell.exe");
    expect(command.args.at(-1)).toBe(
      "$p = Start-Process -FilePath 'C:\\Program Files\\nodejs\\node.exe' -ArgumentList 'C:\\Users\\Léa\\passerelle\\relay\\bin\\passerelle.js setup --firewall-only --port 8787' -Verb RunAs -WindowStyle Hidden -Wait -PassThru; exit $p.ExitCode",
    );
    expect(display(command)).not.toMatch(/npx/);
  });

  it("quote arguments the way CreateProcess reads them", () => {
    expect(quoteWindows("plain")).toBe("plain");
    expect(quoteWindows("a b")).toBe('"a b"');
    expect(quoteWindows('say "hi"')).toBe('"say \\"hi\\""');
    expect(quoteWindows("C:\\dir with space\\")).toBe('"C:\\dir with space\\\\"');
  });

  it("limit the relay's folder to its owner with icacls", () => {
    expect(
      ownerOnlyAclCommands("C:\\Users\\Léa Martin\\AppData\\Local\\Passerelle", "PC-12\\lea").map(display),
    ).toEqual([
      'icacls "C:\\Users\\Léa Martin\\AppData\\Local\\Passerelle" /grant:r PC-12\\lea:(OI)(CI)F',
      'icacls "C:\\Users\\Léa Martin\\AppData\\Local\\Passerelle" /inheritance:r',
    ]);
  });
});

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

  it("falls back to a Startup folder script that keeps % literal", () => {
    expect(startupFolderScript({ ...task, workingDirectory: "C:\\100% Docs" }).split("\r\n")).toEqual([
      "@echo off",
      "rem Passerelle relay, started at login (passerelle setup --autostart; --no-autostart removes this file).",
      'cd /d "C:\\100%% Docs"',
      'start "Passerelle relay" "C:\\Program Files\\nodejs\\node.exe" C:\\Users\\Léa\\passerelle\\relay\\bin\\passerelle.js --port 9000 --models-config models.json',
      "",
    ]);
  });
});

describe("passerelle setup", () => {
  function windows(options: {
    elevated: boolean;
    refuse?: RegExp;
    env?: NodeJS.ProcessEnv;
    program?: typeof target;
    ruleThere?: boolean;
  }) {
    const ran: string[] = [];
    const written = new Map<string, Buffer | string>();
    const removed: string[] = [];
    // The firewall rule exists once an elevated run added it (or from the start, with `ruleThere`).
    let ruleThere = options.ruleThere ?? false;
    const environment: SetupEnvironment = {
      platform: "win32",
      target: options.program ?? target,
      elevated: async () => options.elevated,
      run: async (command) => {
        const line = display(command);
        ran.push(line);
        if (options.refuse?.test(line)) return false;
        if (line.includes("Start-Process") || line.includes("add rule")) ruleThere = true;
        return line.includes("show rule") ? ruleThere : true;
      },
      env: options.env ?? { USERNAME: "lea", USERDOMAIN: "PC-12", APPDATA: "C:\\Users\\Léa\\AppData\\Roaming" },
      cwd: "C:\\Users\\Léa\\Documents",
      writeFile: (path, data) => void written.set(path, data),
      removeFile: (path) => void removed.push(path),
      tempDir: "C:\\Temp",
    };
    return { environment, ran, written, removed };
  }

  it("elevated: removes the Block rules, then adds the rules, and says so", async () => {
    const io = capture();
    const { environment, ran } = windows({ elevated: true });
    expect(await runSetup([], io, environment)).toBe(0);
    expect(ran).toEqual(firewallCommands(target).map(display));
    expect(io.text()).toContain("every network profile (Public Wi-Fi included)");
  });

  it("not elevated: runs itself through the UAC prompt for the firewall only, then checks the rule is there", async () => {
    const io = capture();
    const { environment, ran } = windows({ elevated: false, program: packaged });
    expect(await runSetup(["--port", "9000"], io, environment)).toBe(0);
    const check = 'netsh advfirewall firewall show rule "name=Passerelle relay (TCP 9000)"';
    expect(ran).toEqual([
      check,
      display(elevateCommand(packaged.program, ["setup", "--firewall-only", "--port", "9000"])),
      check,
    ]);
    expect(io.text()).toContain("Firewall: done.");
  });

  it("not elevated, with the rule already there: no UAC prompt just to register the task", async () => {
    const io = capture();
    const { environment, ran } = windows({ elevated: false, ruleThere: true });
    expect(await runSetup(["--autostart"], io, environment)).toBe(0);
    expect(ran.some((line) => line.includes("Start-Process"))).toBe(false);
    expect(ran.at(-1)).toMatch(/^schtasks \/Create/);
    expect(io.text()).toContain("already there");
  });

  it("a cancelled UAC prompt says what to do and prints the exact commands", async () => {
    const io = capture();
    const { environment } = windows({ elevated: false, refuse: /Start-Process/ });
    expect(await runSetup([], io, environment)).toBe(1);
    expect(io.text()).toContain("the UAC prompt was cancelled");
    expect(io.text()).toContain('"name=Passerelle relay (TCP 8787)"');
    expect(io.text()).toContain("Remove-NetFirewallRule");
  });

  it("a refused rule, elevated, gives the commands to run", async () => {
    const io = capture();
    expect(await runSetup([], io, windows({ elevated: true, refuse: /add rule/ }).environment)).toBe(1);
    expect(io.text()).toContain("netsh advfirewall firewall add rule");
  });

  it("--firewall-only (what the UAC prompt runs) never registers the task", async () => {
    const { environment, ran } = windows({ elevated: true });
    expect(await runSetup(["--firewall-only", "--autostart"], capture(), environment)).toBe(0);
    expect(ran.some((line) => line.includes("schtasks"))).toBe(false);
  });

  it("--autostart registers this user's logon task from XML, with the port and the relay options given", async () => {
    const io = capture();
    const { environment, ran, written, removed } = windows({ elevated: true });
    expect(await runSetup(["--port", "9000", "--autostart", "--", "--no-mdns"], io, environment)).toBe(0);
    const xmlPath = "C:\\Temp/passerelle-task-" + process.pid + ".xml";
    expect(ran.at(-1)).toBe(`schtasks /Create /TN "Passerelle relay" /XML ${quoteWindows(xmlPath)} /F`);
    const text = (written.get(xmlPath) as Buffer).subarray(2).toString("utf16le");
    expect(text).toContain("<UserId>PC-12\\lea</UserId>");
    expect(text).toContain(`<Arguments>${script} --port 9000 --no-mdns</Arguments>`);
    expect(removed).toEqual([xmlPath]);
    expect(io.text()).toContain("start when PC-12\\lea logs in");
  });

  it("--autostart falls back to the Startup folder when Task Scheduler refuses", async () => {
    const io = capture();
    const { environment, written } = windows({ elevated: true, refuse: /schtasks/ });
    expect(await runSetup(["--autostart"], io, environment)).toBe(0);
    const path =
      "C:\\Users\\Léa\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Startup\\Passerelle relay.cmd";
    expect(written.get(path)).toContain(`start "Passerelle relay" "${node}" ${script} --port 8787`);
    expect(io.text()).toContain("Startup folder");
  });

  it("--no-autostart removes the task and the Startup folder script", async () => {
    const { environment, ran, removed } = windows({ elevated: true });
    expect(await runSetup(["--no-autostart"], capture(), environment)).toBe(0);
    expect(ran.at(-1)).toBe(display(removeAutostartCommand()));
    expect(removed.at(-1)).toMatch(/Startup\\Passerelle relay\.cmd$/);
  });

  it("explains what to do elsewhere and exits 0", async () => {
    const io = capture();
    const { environment, ran } = windows({ elevated: true });
    expect(await runSetup([], io, { ...environment, platform: "linux" })).toBe(0);
    expect(ran).toHaveLength(0);
    expect(io.text()).toContain("ufw");
  });
});

describe("the relay's stable path", () => {
  it("is the program alone when packaged, else node and the script's absolute path", () => {
    expect(selfInvocation(true, "C:\\x\\passerelle.exe", "C:\\x\\passerelle.exe")).toEqual({
      program: "C:\\x\\passerelle.exe",
      args: [],
      typed: "passerelle.exe",
    });
    const underNode = selfInvocation(false, "/usr/bin/node", "bin/passerelle.js");
    expect(underNode.program).toBe("/usr/bin/node");
    expect(underNode.args[0]).toMatch(/^\/.*bin\/passerelle\.js$/);
  });
});
