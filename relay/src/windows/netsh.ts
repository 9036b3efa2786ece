/** The firewall rules `passerelle setup` adds (netsh), as argument lists tested here and shown as they will run. */
// They allow the relay's program only, from the local subnet only, on every network profile: classroom Wi-Fi
// is usually "Public", where a Private-only rule does nothing.
import { powershell, psString, type CommandLine } from "./command-line.js";

export const RULE_PREFIX = "Passerelle relay";

export interface SetupTarget {
  /** The program Windows sees: passerelle.exe, or node.exe running the relay's script. */
  program: string;
  /** Arguments before the relay's own: the script's absolute path under node, none when packaged. */
  args: string[];
  port: number;
}

const netsh = (...args: string[]): CommandLine => ({ file: "netsh", args: ["advfirewall", "firewall", ...args] });

export const ruleName = (suffix: string) => `${RULE_PREFIX} (${suffix})`;

/**
 * Removes the inbound Block rules Windows made for this program: cancelling the first Defender prompt
 * (or answering it without administrator rights) creates them, and a Block rule beats any Allow rule.
 * Only Block rules for this very program go; the path is compared as Windows does, ignoring case.
 */
export function removeBlockRulesCommand(program: string): CommandLine {
  return powershell(
    "Get-NetFirewallRule -Direction Inbound -Action Block -ErrorAction SilentlyContinue | " +
      "Where-Object { [Environment]::ExpandEnvironmentVariables(($_ | Get-NetFirewallApplicationFilter).Program) -eq " +
      `${psString(program)} } | Remove-NetFirewallRule`,
  );
}

/** Deletes earlier rules (so setup can run again), then allows TCP on the port and mDNS (UDP 5353) for the program. */
export function firewallCommands(target: SetupTarget): CommandLine[] {
  const common = [
    "dir=in",
    "action=allow",
    "remoteip=localsubnet",
    "profile=any",
    `program=${target.program}`,
    "enable=yes",
  ];
  return [
    removeBlockRulesCommand(target.program),
    netsh("delete", "rule", `name=${ruleName(`TCP ${target.port}`)}`),
    netsh(
      "add",
      "rule",
      `name=${ruleName(`TCP ${target.port}`)}`,
      ...common,
      "protocol=TCP",
      `localport=${target.port}`,
    ),
    netsh("delete", "rule", `name=${ruleName("mDNS")}`),
    netsh("add", "rule", `name=${ruleName("mDNS")}`, ...common, "protocol=UDP", "localport=5353"),
  ];
}

/** Succeeds when the relay's TCP rule for this port exists (needs no administrator rights). */
export function firewallRuleCheckCommand(port: number): CommandLine {
  return netsh("show", "rule", `name=${ruleName(`TCP ${port}`)}`);
}
