/**
 * The firewall rules `passerelle setup` adds (netsh), built as argument lists so they can be
 * tested here and shown exactly as they will run.
 *
 * The firewall rules allow the relay's program only, from the local subnet only, on every network
 * profile: classroom Wi-Fi is usually "Public", where a Private-only rule does nothing.
 */
import { powershell, psString, systemTool, type CommandLine } from "./command-line.js";

export const RULE_PREFIX = "Passerelle relay";

export interface SetupTarget {
  /** The program Windows sees: passerelle.exe, or node.exe running the relay's script. */
  program: string;
  /** Arguments before the relay's own: the script's absolute path under node, none when packaged. */
  args: string[];
  port: number;
}

const netsh = (env: NodeJS.ProcessEnv, ...args: string[]): CommandLine => ({
  file: systemTool("netsh", env),
  args: ["advfirewall", "firewall", ...args],
});

export const ruleName = (suffix: string) => `${RULE_PREFIX} (${suffix})`;

/** A rule's program as Windows compares it: environment variables expanded, case ignored by `-eq`. */
const ruleProgram = "[Environment]::ExpandEnvironmentVariables(($_ | Get-NetFirewallApplicationFilter).Program)";

/**
 * Removes the inbound Block rules Windows made for this program: cancelling the first Defender prompt
 * (or answering it without administrator rights) creates them, and a Block rule beats any Allow rule.
 * Only Block rules for this very program go; the path is compared as Windows does, ignoring case.
 */
export function removeBlockRulesCommand(program: string, env: NodeJS.ProcessEnv = process.env): CommandLine {
  return powershell(
    "Get-NetFirewallRule -Direction Inbound -Action Block -ErrorAction SilentlyContinue | " +
      `Where-Object { ${ruleProgram} -eq ${psString(program)} } | Remove-NetFirewallRule`,
    env,
  );
}

/** Deletes earlier rules (so setup can run again), then allows TCP on the port and mDNS (UDP 5353) for the program. */
export function firewallCommands(target: SetupTarget, env: NodeJS.ProcessEnv = process.env): CommandLine[] {
  const common = [
    "dir=in",
    "action=allow",
    "remoteip=localsubnet",
    "profile=any",
    `program=${target.program}`,
    "enable=yes",
  ];
  const tcp = ruleName(`TCP ${target.port}`);
  const mdns = ruleName("mDNS");
  return [
    removeBlockRulesCommand(target.program, env),
    netsh(env, "delete", "rule", `name=${tcp}`),
    netsh(env, "add", "rule", `name=${tcp}`, ...common, "protocol=TCP", `localport=${target.port}`),
    netsh(env, "delete", "rule", `name=${mdns}`),
    netsh(env, "add", "rule", `name=${mdns}`, ...common, "protocol=UDP", "localport=5353"),
  ];
}

/**
 * Succeeds when the relay's TCP rule for this port is there, enabled, and allows this very program: a
 * rule left for a copy that has moved since would allow nothing (needs no administrator rights). Asked of
 * PowerShell, whose answers are not translated as netsh's are.
 */
export function firewallRuleCheckCommand(
  port: number,
  program: string,
  env: NodeJS.ProcessEnv = process.env,
): CommandLine {
  return powershell(
    `$rule = Get-NetFirewallRule -DisplayName ${psString(ruleName(`TCP ${port}`))} -ErrorAction SilentlyContinue | ` +
      `Where-Object { $_.Enabled -eq 'True' -and $_.Action -eq 'Allow' -and ${ruleProgram} -eq ${psString(program)} }; ` +
      "if ($rule) { exit 0 } else { exit 1 }",
    env,
  );
}
