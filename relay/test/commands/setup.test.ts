import { describe, expect, it } from "vitest";
import { runSetup, type SetupEnvironment } from "../../src/commands/setup.js";
import type { CommandIO } from "../../src/commands/io.js";
import {
  autostartCommand,
  display,
  firewallCommands,
  quoteWindows,
  removeAutostartCommand,
} from "../../src/setup/windows.js";

const target = {
  program: "C:\\Program Files\\nodejs\\node.exe",
  script: "C:\\Users\\Léa\\passerelle\\relay\\bin\\passerelle.js",
  port: 8787,
};

function capture(): CommandIO & { text: () => string } {
  let text = "";
  return { env: {}, out: (t) => void (text += t), err: (t) => void (text += t), text: () => text };
}

describe("Windows firewall and autostart commands", () => {
  it("allow the relay's program, from the local subnet only, on every profile (Public Wi-Fi too)", () => {
    const [, tcp, , udp] = firewallCommands(target).map(display);
    expect(tcp).toBe(
      'netsh advfirewall firewall add rule "name=Passerelle relay (TCP 8787)" dir=in action=allow remoteip=localsubnet profile=any "program=C:\\Program Files\\nodejs\\node.exe" enable=yes protocol=TCP localport=8787',
    );
    expect(udp).toContain("protocol=UDP localport=5353");
    expect(udp).toContain("remoteip=localsubnet profile=any");
    expect(firewallCommands(target).map(display).join("\n")).not.toMatch(/profile=private/);
  });

  it("delete the earlier rule first, so setup can run again", () => {
    expect(display(firewallCommands(target)[0]!)).toBe(
      'netsh advfirewall firewall delete rule "name=Passerelle relay (TCP 8787)"',
    );
  });

  it("register and remove a logon task running node with the relay's script", () => {
    expect(display(autostartCommand(target))).toBe(
      'schtasks /Create /TN "Passerelle relay" /TR "\\"C:\\Program Files\\nodejs\\node.exe\\" C:\\Users\\Léa\\passerelle\\relay\\bin\\passerelle.js" /SC ONLOGON /RL LIMITED /F',
    );
    expect(display(removeAutostartCommand())).toBe('schtasks /Delete /TN "Passerelle relay" /F');
  });

  it("quote arguments the way CreateProcess reads them", () => {
    expect(quoteWindows("plain")).toBe("plain");
    expect(quoteWindows("a b")).toBe('"a b"');
    expect(quoteWindows('say "hi"')).toBe('"say \\"hi\\""');
    expect(quoteWindows("C:\\dir with space\\")).toBe('"C:\\dir with space\\\\"');
  });
});

describe("passerelle setup", () => {
  const windows = (elevated: boolean, ok = true) => {
    const ran: string[] = [];
    const environment: SetupEnvironment = {
      platform: "win32",
      target,
      elevated: () => elevated,
      run: (command) => (ran.push(display(command)), ok || command.args.includes("delete")),
    };
    return { environment, ran };
  };

  it("adds the rules when elevated and says what it did", async () => {
    const io = capture();
    const { environment, ran } = windows(true);
    expect(await runSetup([], io, environment)).toBe(0);
    expect(ran).toHaveLength(4);
    expect(io.text()).toContain("every network profile (Public Wi-Fi included)");
  });

  it("prints the exact commands to run as administrator otherwise, and runs none", async () => {
    const io = capture();
    const { environment, ran } = windows(false);
    expect(await runSetup(["--port", "9000"], io, environment)).toBe(0);
    expect(ran).toHaveLength(0);
    expect(io.text()).toContain("administrator");
    expect(io.text()).toContain('"name=Passerelle relay (TCP 9000)"');
    expect(io.text()).toContain("localport=9000");
  });

  it("registers or removes the logon task", async () => {
    const on = windows(false);
    expect(await runSetup(["--autostart"], capture(), on.environment)).toBe(0);
    expect(on.ran.at(-1)).toContain("schtasks /Create");
    const off = windows(false);
    expect(await runSetup(["--no-autostart"], capture(), off.environment)).toBe(0);
    expect(off.ran.at(-1)).toContain("schtasks /Delete");
  });

  it("reports a refused rule with the commands to run", async () => {
    const io = capture();
    expect(await runSetup([], io, windows(true, false).environment)).toBe(1);
    expect(io.text()).toContain("netsh advfirewall firewall add rule");
  });

  it("explains what to do elsewhere and exits 0", async () => {
    const io = capture();
    const { environment, ran } = windows(true);
    expect(await runSetup([], io, { ...environment, platform: "linux" })).toBe(0);
    expect(ran).toHaveLength(0);
    expect(io.text()).toContain("ufw");
  });
});
