import { describe, expect, it } from "vitest";
import type { CommandIO } from "../../src/commands/io.js";
import { runSetup, type SetupEnvironment } from "../../src/commands/setup.js";
import { display, quoteWindows } from "../../src/windows/command-line.js";
import { elevateCommand } from "../../src/windows/elevation.js";
import { removeAutostartCommand } from "../../src/windows/schtasks.js";
import { firewallCommands } from "../../src/windows/netsh.js";

const node = "C:\\Program Files\\nodejs\\node.exe";
const script = "C:\\Users\\Léa\\passerelle\\relay\\bin\\passerelle.js";
const target = { program: node, args: [script], port: 8787 };
const packaged = { program: "C:\\Users\\Léa\\Downloads\\passerelle.exe", args: [], port: 8787 };

function capture(): CommandIO & { text: () => string } {
  let text = "";
  return { env: {}, out: (t) => void (text += t), err: (t) => void (text += t), text: () => text };
}

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
