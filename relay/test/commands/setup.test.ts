import { describe, expect, it } from "vitest";
import { runSetup } from "../../src/commands/setup.js";
import { display } from "../../src/windows/command-line.js";
import { elevateCommand } from "../../src/windows/elevation.js";
import { firewallCommands } from "../../src/windows/netsh.js";
import { version } from "../../src/version.js";
import type { CommandIO } from "../../src/commands/io.js";
import { asCmdReadsIt } from "../support/code-page-850.js";
import { fakePc, SYSTEM32 } from "../support/fake-pc.js";
import { powerShell51Problems } from "../support/powershell.js";

const node = "C:\\Program Files\\nodejs\\node.exe";
const script = "C:\\Users\\Léa\\passerelle\\relay\\bin\\passerelle.js";
const target = { program: node, args: [script], port: 8787 };
const packaged = { program: "C:\\Users\\Léa\\Downloads\\passerelle.exe", args: [], port: 8787 };

function capture(): CommandIO & { text: () => string } {
  let text = "";
  return { env: {}, out: (t) => void (text += t), err: (t) => void (text += t), text: () => text };
}

/** The relay's program as a download, and where setup installs it. */
const installed = "C:\\Users\\Léa\\AppData\\Local\\Programs\\Passerelle\\passerelle.exe";
const rule = (port: number) => `Passerelle relay (TCP ${port})`;
/** Whether a recorded command line started Windows' own program by its absolute path, never by name. */
const bySystemPath = (line: string) => line.startsWith(`${SYSTEM32}\\`) || line.startsWith(`"${SYSTEM32}\\`);

describe("passerelle setup", () => {
  it("elevated: removes the Block rules, then adds the rules, and says so", async () => {
    const io = capture();
    const pc = fakePc({ target, elevated: true });
    expect(await runSetup([], io, pc.environment)).toBe(0);
    expect(pc.ran.slice(1)).toEqual(firewallCommands(target, pc.environment.env).map(display));
    expect(pc.rules).toEqual([
      { name: rule(8787), program: node },
      { name: "Passerelle relay (mDNS)", program: node },
    ]);
    expect(io.text()).toContain("every network profile (Public Wi-Fi included)");
  });

  it("not elevated: installs passerelle.exe, runs the installed copy through the UAC prompt for the firewall only, then checks the rule allows that copy", async () => {
    const io = capture();
    const pc = fakePc({ target: packaged });
    expect(await runSetup(["--port", "9000"], io, pc.environment)).toBe(0);
    expect(pc.programs.get(installed)).toBe(version);
    const uac = display(elevateCommand(installed, ["setup", "--firewall-only", "--port", "9000"], pc.environment.env));
    expect(pc.ran).toContain(uac);
    expect(pc.rules).toContainEqual({ name: rule(9000), program: installed });
    expect(io.text()).toContain(`Installed Passerelle ${version} at ${installed}`);
    expect(io.text()).toContain("Firewall: done.");
  });

  it("runs Windows' own programs by their absolute path: a netsh.exe planted beside passerelle.exe never runs", async () => {
    const runs = [
      fakePc({ target: packaged }),
      fakePc({ target, elevated: true }),
      fakePc({ target: packaged, uac: "cancelled" }),
      fakePc({ target: packaged, refuse: /schtasks/ }),
    ];
    await runSetup([], capture(), runs[0]!.environment);
    await runSetup([], capture(), runs[1]!.environment);
    await runSetup([], capture(), runs[2]!.environment);
    await runSetup(["--autostart"], capture(), runs[3]!.environment);
    await runSetup(["--no-autostart"], capture(), runs[3]!.environment);
    const ran = runs.flatMap((pc) => pc.ran);
    expect(ran.filter((line) => /netsh|schtasks|icacls|powershell|net\.exe/i.test(line.split(" ")[0]!))).not.toEqual(
      [],
    );
    for (const line of ran) {
      expect(bySystemPath(line) || line.startsWith(installed) || line.startsWith(packaged.program), line).toBe(true);
    }
    expect(ran.some((line) => line.startsWith("C:\\Users\\Léa\\Downloads\\netsh"))).toBe(false);
  });

  it("--autostart touches the logon task only: no firewall step and no UAC prompt, even with no rule", async () => {
    const io = capture();
    const pc = fakePc({ target: packaged });
    expect(await runSetup(["--autostart"], io, pc.environment)).toBe(0);
    expect(pc.ran.some((line) => /Start-Process|netsh|net\.exe|Get-NetFirewallRule/.test(line))).toBe(false);
    expect(pc.task()).toContain(`<Command>${installed}</Command>`);
    expect(pc.task()).toContain("<Arguments>--port 8787</Arguments>");
    expect(io.text()).toContain("start when PC-12\\lea logs in");
  });

  it("--no-autostart removes the task and the Startup folder script, and asks for no permission either", async () => {
    const pc = fakePc({ target: packaged });
    await runSetup(["--autostart"], capture(), pc.environment);
    expect(await runSetup(["--no-autostart"], capture(), pc.environment)).toBe(0);
    expect(pc.task()).toBeUndefined();
    expect(pc.removed).toContain(
      "C:\\Users\\Léa\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Startup\\Passerelle relay.cmd",
    );
    expect(pc.ran.some((line) => /Start-Process|netsh|net\.exe/.test(line))).toBe(false);
  });

  it("after the download moves, setup points the firewall rule and the logon task at the installed copy", async () => {
    const pc = fakePc({ target: packaged, programs: { [installed]: "0.0.1" } });
    expect(await runSetup(["--autostart", "--", "--no-mdns"], capture(), pc.environment)).toBe(0);
    // Older there: copied over.
    expect(pc.programs.get(installed)).toBe(version);

    const moved = { ...packaged, program: "C:\\Users\\Léa\\Desktop\\Outils\\passerelle.exe" };
    const io = capture();
    expect(await runSetup([], io, { ...pc.environment, target: moved })).toBe(0);
    expect(pc.rules).toContainEqual({ name: rule(8787), program: installed });
    expect(pc.rules.some((r) => r.program === moved.program)).toBe(false);
    expect(pc.task()).toContain(`<Command>${installed}</Command>`);
    expect(pc.task()).toContain("<Arguments>--port 8787 --no-mdns</Arguments>");
  });

  it("keeps a newer installed copy and uses it; the same version is not copied again", async () => {
    const newer = fakePc({ target: packaged, programs: { [installed]: "99.0.0" } });
    const io = capture();
    expect(await runSetup(["--autostart"], io, newer.environment)).toBe(0);
    expect(newer.programs.get(installed)).toBe("99.0.0");
    expect(newer.task()).toContain(`<Command>${installed}</Command>`);
    expect(io.text()).toContain("A newer Passerelle (99.0.0) is installed");

    const same = fakePc({ target: packaged, programs: { [installed]: version } });
    expect(await runSetup(["--autostart"], capture(), same.environment)).toBe(0);
    expect(same.files.has(installed)).toBe(false);
  });

  it("a rule left for a copy that moved does not count: the check compares program paths", async () => {
    const pc = fakePc({ target: packaged, rules: [{ name: rule(8787), program: packaged.program }] });
    expect(await runSetup([], capture(), pc.environment)).toBe(0);
    expect(pc.ran.some((line) => line.includes("Start-Process"))).toBe(true);
    expect(pc.rules).toContainEqual({ name: rule(8787), program: installed });
  });

  it("not elevated, with the rule already there: no UAC prompt", async () => {
    const io = capture();
    const pc = fakePc({ target, rules: [{ name: rule(8787), program: node }] });
    expect(await runSetup([], io, pc.environment)).toBe(0);
    expect(pc.ran.some((line) => line.includes("Start-Process"))).toBe(false);
    expect(io.text()).toContain("already there");
  });

  it("a cancelled UAC prompt says what to do, with lines PowerShell 5.1 runs as printed", async () => {
    const io = capture();
    const pc = fakePc({ target: packaged, uac: "cancelled" });
    expect(await runSetup([], io, pc.environment)).toBe(1);
    expect(io.text()).toContain("the UAC prompt was cancelled");
    const pasted = io
      .text()
      .split("\n")
      .filter((line) => line.startsWith("  "))
      .map((line) => line.trim());
    expect(pasted).toHaveLength(5);
    expect(pasted[0]).toMatch(/^Get-NetFirewallRule .*\$_ .* Remove-NetFirewallRule$/);
    expect(pasted[2]).toBe(
      `netsh advfirewall firewall add rule 'name=Passerelle relay (TCP 8787)' dir=in action=allow remoteip=localsubnet profile=any 'program=${installed}' enable=yes protocol=TCP localport=8787`,
    );
    for (const line of pasted) expect(powerShell51Problems(line), line).toEqual([]);
    expect(io.text()).toContain(`\`${pc.environment.typed} setup\``);
  });

  it("a refused rule, elevated, gives the lines to paste", async () => {
    const io = capture();
    expect(await runSetup([], io, fakePc({ target, elevated: true, refuse: /add rule/ }).environment)).toBe(1);
    expect(io.text()).toContain("netsh advfirewall firewall add rule");
  });

  it("--firewall-only (what the UAC prompt runs) never registers the task", async () => {
    const pc = fakePc({ target, elevated: true });
    expect(await runSetup(["--firewall-only", "--autostart"], capture(), pc.environment)).toBe(0);
    expect(pc.ran.some((line) => line.includes("schtasks"))).toBe(false);
  });

  it("--autostart registers this user's logon task from XML, with the port and the relay options given", async () => {
    const io = capture();
    const pc = fakePc({ target });
    expect(await runSetup(["--port", "9000", "--autostart", "--", "--no-mdns"], io, pc.environment)).toBe(0);
    const xmlPath = `C:\\Temp\\passerelle-task-${process.pid}.xml`;
    expect(pc.ran.at(-1)).toBe(`${SYSTEM32}\\schtasks.exe /Create /TN "Passerelle relay" /XML ${xmlPath} /F`);
    expect(pc.task()).toContain("<UserId>PC-12\\lea</UserId>");
    expect(pc.task()).toContain(`<Arguments>${script} --port 9000 --no-mdns</Arguments>`);
    expect(pc.removed).toContain(xmlPath);
  });

  it("checks the options for the logon task with the relay's own settings, before registering anything", async () => {
    for (const options of [["--port", "nine"], ["--max-body", "0"], ["--no-such-option"]]) {
      const io = capture();
      const pc = fakePc({ target });
      expect(await runSetup(["--autostart", "--", ...options], io, pc.environment)).toBe(2);
      expect(io.text()).toContain("the relay would not start with these options");
      expect(pc.ran).toEqual([]);
      expect(pc.task()).toBeUndefined();
    }
  });
});

describe("the Startup folder script (Task Scheduler refused)", () => {
  it("is read by cmd as written, accents included: chcp 65001 before any path", async () => {
    const io = capture();
    const folder = "C:\\Users\\Léa\\Mes documents (élève)";
    const pc = fakePc({ target: { ...target, program: `${folder}\\node.exe` }, refuse: /schtasks/ });
    pc.environment.cwd = folder;
    expect(await runSetup(["--autostart"], io, pc.environment)).toBe(0);
    const [path, data] = [...pc.files].find(([name]) => name.endsWith("Passerelle relay.cmd"))!;
    expect(path).toBe(
      "C:\\Users\\Léa\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Startup\\Passerelle relay.cmd",
    );
    const lines = asCmdReadsIt(Buffer.from(data as string, "utf8"));
    expect(lines).toContain(`cd /d "${folder}"`);
    expect(lines).toContain(`start "Passerelle relay" /min "${folder}\\node.exe" ${script} --port 8787`);
    expect(io.text()).toContain("Startup folder");
  });

  it("goes where Windows says the Startup folder is, not where %APPDATA% would put it", async () => {
    const redirected = "\\\\ecole-srv\\profils$\\lea\\Menu Démarrer\\Programmes\\Démarrage";
    const pc = fakePc({ target, refuse: /schtasks/, startupFolder: redirected });
    expect(await runSetup(["--autostart"], capture(), pc.environment)).toBe(0);
    expect(pc.files.has(`${redirected}\\Passerelle relay.cmd`)).toBe(true);
    expect([...pc.files.keys()].some((name) => name.startsWith(pc.environment.env.APPDATA!))).toBe(false);
  });
});

describe("passerelle setup elsewhere", () => {
  it("explains what to do and exits 0", async () => {
    const io = capture();
    const pc = fakePc({ target, elevated: true });
    expect(await runSetup([], io, { ...pc.environment, platform: "linux" })).toBe(0);
    expect(pc.ran).toHaveLength(0);
    expect(io.text()).toContain("ufw");
  });
});
