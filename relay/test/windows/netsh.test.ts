import { describe, expect, it } from "vitest";
import { display, forPowerShell } from "../../src/windows/command-line.js";
import { firewallCommands } from "../../src/windows/netsh.js";
import { powerShell51Problems } from "../support/powershell.js";

const node = "C:\\Program Files\\nodejs\\node.exe";
const target = { program: node, args: ["C:\\Users\\Léa\\passerelle\\relay\\bin\\passerelle.js"], port: 8787 };
const packaged = { program: "C:\\Users\\Léa\\Downloads\\passerelle.exe", args: [], port: 8787 };
const windowsEnv = { SystemRoot: "C:\\Windows" };

describe("Windows firewall commands", () => {
  it("remove the Block rules Windows made for this very program first, then allow it from the local subnet on every profile", () => {
    const lines = firewallCommands(target, windowsEnv).map(display);
    expect(lines[0]).toBe(
      `C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -Command "Get-NetFirewallRule -Direction Inbound -Action Block -ErrorAction SilentlyContinue | Where-Object { [Environment]::ExpandEnvironmentVariables(($_ | Get-NetFirewallApplicationFilter).Program) -eq 'C:\\Program Files\\nodejs\\node.exe' } | Remove-NetFirewallRule"`,
    );
    expect(lines.slice(1)).toEqual([
      'C:\\Windows\\System32\\netsh.exe advfirewall firewall delete rule "name=Passerelle relay (TCP 8787)"',
      'C:\\Windows\\System32\\netsh.exe advfirewall firewall add rule "name=Passerelle relay (TCP 8787)" dir=in action=allow remoteip=localsubnet profile=any "program=C:\\Program Files\\nodejs\\node.exe" enable=yes protocol=TCP localport=8787',
      'C:\\Windows\\System32\\netsh.exe advfirewall firewall delete rule "name=Passerelle relay (mDNS)"',
      'C:\\Windows\\System32\\netsh.exe advfirewall firewall add rule "name=Passerelle relay (mDNS)" dir=in action=allow remoteip=localsubnet profile=any "program=C:\\Program Files\\nodejs\\node.exe" enable=yes protocol=UDP localport=5353',
    ]);
  });

  it("run Windows' own programs from %SystemRoot%\\System32, wherever Windows is", () => {
    const [removal, , add] = firewallCommands(target, { SystemRoot: "D:\\WINNT" });
    expect(removal!.file).toBe("D:\\WINNT\\System32\\WindowsPowerShell\\v1.0\\powershell.exe");
    expect(add!.file).toBe("D:\\WINNT\\System32\\netsh.exe");
  });

  it("are printed for PowerShell (Terminal (Admin)) as it runs them: the script itself, never inside double quotes", () => {
    const printed = firewallCommands(target, windowsEnv).map(forPowerShell);
    expect(printed[0]).toBe(
      "Get-NetFirewallRule -Direction Inbound -Action Block -ErrorAction SilentlyContinue | Where-Object { [Environment]::ExpandEnvironmentVariables(($_ | Get-NetFirewallApplicationFilter).Program) -eq 'C:\\Program Files\\nodejs\\node.exe' } | Remove-NetFirewallRule",
    );
    expect(printed[1]).toBe("netsh advfirewall firewall delete rule 'name=Passerelle relay (TCP 8787)'");
    for (const line of printed) expect(powerShell51Problems(line), line).toEqual([]);
    // What was printed before: $_ inside the double-quoted -Command, expanded by the PowerShell it is pasted in.
    expect(powerShell51Problems(display(firewallCommands(target, windowsEnv)[0]!))).toContainEqual(
      expect.stringContaining("expands the $"),
    );
  });

  it("keep a quote in a path inside PowerShell's single-quoted string", () => {
    const [removal] = firewallCommands({ ...packaged, program: "C:\\Users\\O'Brien\\passerelle.exe" }, windowsEnv);
    expect(removal!.args.at(-1)).toContain("-eq 'C:\\Users\\O''Brien\\passerelle.exe' }");
  });
});
