/** The logon task (schtasks and Task Scheduler XML), and the Startup folder script used when Task Scheduler refuses. */
import { powershell, quoteWindows, systemTool, type CommandLine } from "./command-line.js";

export const TASK_NAME = "Passerelle relay";

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

export function autostartCommand(xmlPath: string, env: NodeJS.ProcessEnv = process.env): CommandLine {
  return { file: systemTool("schtasks", env), args: ["/Create", "/TN", TASK_NAME, "/XML", xmlPath, "/F"] };
}

export function removeAutostartCommand(env: NodeJS.ProcessEnv = process.env): CommandLine {
  return { file: systemTool("schtasks", env), args: ["/Delete", "/TN", TASK_NAME, "/F"] };
}

/**
 * The fallback when Task Scheduler refuses (a locked-down PC): a script in the user's Startup folder that
 * starts the relay in a minimised window. cmd reads a script in the console's code page (850 on a French
 * PC): the first lines are plain ASCII, then `chcp 65001` makes it read the rest, and its paths with
 * accents (`Mes documents (élève)`), as UTF-8, the way the file is written.
 */
export function startupFolderScript(task: Omit<LogonTask, "user">): string {
  // cmd expands %NAME% even inside quotes: a path with % keeps it literal as %%.
  const cmd = (text: string) => text.replace(/%/g, "%%");
  const line = [task.program, ...task.args].map((a) => cmd(quoteWindows(a))).join(" ");
  return [
    "@echo off",
    "chcp 65001 >nul",
    "rem Passerelle relay, started at login (passerelle setup --autostart; --no-autostart removes this file).",
    `cd /d ${cmd(quoteWindows(task.workingDirectory))}`,
    `start "Passerelle relay" /min ${line}`,
    "",
  ].join("\r\n");
}

/**
 * Asks Windows where this user's Startup folder is (printed as UTF-8): a school domain may redirect the
 * Start menu away from `%APPDATA%`, so the folder is never built from it.
 */
export function startupFolderCommand(env: NodeJS.ProcessEnv = process.env): CommandLine {
  return powershell("[Console]::OutputEncoding = [Text.Encoding]::UTF8; [Environment]::GetFolderPath('Startup')", env);
}

/** Where the Startup folder script goes, in the folder Windows gave. */
export function startupScriptPath(startupFolder: string): string {
  return `${startupFolder.trim().replace(/\\+$/, "")}\\${TASK_NAME}.cmd`;
}
