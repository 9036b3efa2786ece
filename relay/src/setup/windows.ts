/**
 * The Windows commands `passerelle setup` runs (or prints), built as argument lists so they can be
 * tested here and shown exactly as they will run.
 *
 * The firewall rules allow the relay's program only, from the local subnet only, on every network
 * profile: classroom Wi-Fi is usually "Public", where a Private-only rule does nothing.
 */

export const TASK_NAME = "Passerelle relay";
export const RULE_PREFIX = "Passerelle relay";

export interface SetupTarget {
  /** node.exe running the relay. */
  program: string;
  /** The relay's entry script (bin/passerelle.js). */
  script: string;
  port: number;
}

export type CommandLine = { file: string; args: string[] };

/** Quotes one argument for cmd.exe / CreateProcess, only when needed. */
export function quoteWindows(arg: string): string {
  if (arg !== "" && !/[\s"]/.test(arg)) return arg;
  return `"${arg.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, "$1$1")}"`;
}

/** One command line as a person would paste it in an administrator terminal. */
export function display(command: CommandLine): string {
  return [command.file, ...command.args].map(quoteWindows).join(" ");
}

const rule = (suffix: string) => `${RULE_PREFIX} (${suffix})`;

/** Deletes earlier rules (so setup can run again), then allows TCP on the port and mDNS (UDP 5353) for node.exe. */
export function firewallCommands(target: SetupTarget): CommandLine[] {
  const common = [
    "dir=in",
    "action=allow",
    "remoteip=localsubnet",
    "profile=any",
    `program=${target.program}`,
    "enable=yes",
  ];
  const netsh = (...args: string[]): CommandLine => ({ file: "netsh", args: ["advfirewall", "firewall", ...args] });
  return [
    netsh("delete", "rule", `name=${rule(`TCP ${target.port}`)}`),
    netsh("add", "rule", `name=${rule(`TCP ${target.port}`)}`, ...common, "protocol=TCP", `localport=${target.port}`),
    netsh("delete", "rule", `name=${rule("mDNS")}`),
    netsh("add", "rule", `name=${rule("mDNS")}`, ...common, "protocol=UDP", "localport=5353"),
  ];
}

/** Starts the relay at login, as the current user, without administrator rights. */
export function autostartCommand(target: SetupTarget): CommandLine {
  const run = `${quoteWindows(target.program)} ${quoteWindows(target.script)}`;
  return {
    file: "schtasks",
    args: ["/Create", "/TN", TASK_NAME, "/TR", run, "/SC", "ONLOGON", "/RL", "LIMITED", "/F"],
  };
}

export function removeAutostartCommand(): CommandLine {
  return { file: "schtasks", args: ["/Delete", "/TN", TASK_NAME, "/F"] };
}
