import { describe, expect, it } from "vitest";
import { display } from "../../src/windows/command-line.js";
import { firewallCommands } from "../../src/windows/netsh.js";

const node = "C:\\Program Files\\nodejs\\node.exe";
const target = { program: node, args: ["C:\\Users\\Léa\\passerelle\\relay\\bin\\passerelle.js"], port: 8787 };
const packaged = { program: "C:\\Users\\Léa\\Downloads\\passerelle.exe", args: [], port: 8787 };

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
});
