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
  /** The program Windows sees: passerelle.exe, or node.exe running the relay's script. */
  program: string;
  /** Arguments before the relay's own: the script's absolute path under node, none when packaged. */
  args: string[];
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

/** A PowerShell single-quoted string: nothing inside is expanded, a quote is doubled. */
const psString = (text: string) => `'${text.replace(/'/g, "''")}'`;

const powershell = (script: string): CommandLine => ({
  file: "powershell.exe",
  args: ["-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-Command", script],
});

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

/**
 * Runs the program with `args` through the UAC prompt and waits for it; the exit code is the program's,
 * 1 when the prompt was cancelled. Nothing goes through npx or a path lookup: the program's own path runs.
 */
export function elevateCommand(program: string, args: string[]): CommandLine {
  const argumentList = args.map(quoteWindows).join(" ");
  return powershell(
    `$p = Start-Process -FilePath ${psString(program)} -ArgumentList ${psString(argumentList)} ` +
      "-Verb RunAs -WindowStyle Hidden -Wait -PassThru; exit $p.ExitCode",
  );
}

/** The current Windows account as Task Scheduler and icacls name it (`DOMAIN\user`). */
export function windowsUser(env: NodeJS.ProcessEnv): string | undefined {
  if (!env.USERNAME) return undefined;
  return env.USERDOMAIN ? `${env.USERDOMAIN}\\${env.USERNAME}` : env.USERNAME;
}

const xml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export interface LogonTask {
  /** `DOMAIN\user`: a standard user may register a logon trigger for itself only. */
  user: string;
  program: string;
  args: string[];
  /** Where relative paths among the arguments (`--models-config`) were meant from. */
  workingDirectory: string;
}

/**
 * Task Scheduler XML starting the relay when this user logs in, in their session, without administrator
 * rights; on battery too, never stopped after a time limit (the defaults stop it unplugged and after 72 h).
 */
export function logonTaskXml(task: LogonTask): string {
  return `<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo>
    <Description>Passerelle relay: the OpenAI API for the Macs on this network (passerelle setup --autostart).</Description>
  </RegistrationInfo>
  <Triggers>
    <LogonTrigger>
      <Enabled>true</Enabled>
      <UserId>${xml(task.user)}</UserId>
    </LogonTrigger>
  </Triggers>
  <Principals>
    <Principal id="Author">
      <UserId>${xml(task.user)}</UserId>
      <LogonType>InteractiveToken</LogonType>
      <RunLevel>LeastPrivilege</RunLevel>
    </Principal>
  </Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
    <ExecutionTimeLimit>PT0S</ExecutionTimeLimit>
    <AllowStartOnDemand>true</AllowStartOnDemand>
    <Enabled>true</Enabled>
    <Priority>5</Priority>
  </Settings>
  <Actions Context="Author">
    <Exec>
      <Command>${xml(task.program)}</Command>
      <Arguments>${xml(task.args.map(quoteWindows).join(" "))}</Arguments>
      <WorkingDirectory>${xml(task.workingDirectory)}</WorkingDirectory>
    </Exec>
  </Actions>
</Task>
`;
}

/** The XML as `schtasks /XML` reads it: UTF-16 LE with a byte order mark, CRLF lines. */
export function encodeTaskXml(text: string): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text.replace(/\r?\n/g, "\r\n"), "utf16le")]);
}

export function autostartCommand(xmlPath: string): CommandLine {
  return { file: "schtasks", args: ["/Create", "/TN", TASK_NAME, "/XML", xmlPath, "/F"] };
}

export function removeAutostartCommand(): CommandLine {
  return { file: "schtasks", args: ["/Delete", "/TN", TASK_NAME, "/F"] };
}

/** The fallback when Task Scheduler refuses (a locked-down PC): a script in the user's Startup folder. */
export function startupFolderScript(task: Omit<LogonTask, "user">): string {
  // cmd expands %NAME% even inside quotes: a path with % keeps it literal as %%.
  const cmd = (text: string) => text.replace(/%/g, "%%");
  const line = [task.program, ...task.args].map((a) => cmd(quoteWindows(a))).join(" ");
  return [
    "@echo off",
    "rem Passerelle relay, started at login (passerelle setup --autostart; --no-autostart removes this file).",
    `cd /d ${cmd(quoteWindows(task.workingDirectory))}`,
    `start "Passerelle relay" ${line}`,
    "",
  ].join("\r\n");
}

/** Where the Startup folder script goes: `%APPDATA%\Microsoft\Windows\Start Menu\Programs\Startup`. */
export function startupScriptPath(appData: string): string {
  return `${appData.replace(/\\+$/, "")}\\Microsoft\\Windows\\Start Menu\\Programs\\Startup\\${TASK_NAME}.cmd`;
}

/**
 * Limits a folder to its owner: full control granted to `user` for the folder and everything created in
 * it, then the inherited entries (Users, a shared PC's other accounts) removed. Two steps, in that order,
 * so that a grant that fails (an unknown account name) never leaves a folder nobody can open.
 */
export function ownerOnlyAclCommands(folder: string, user: string): CommandLine[] {
  return [
    { file: "icacls", args: [folder, "/grant:r", `${user}:(OI)(CI)F`] },
    { file: "icacls", args: [folder, "/inheritance:r"] },
  ];
}
