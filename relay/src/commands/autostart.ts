/** The relay started at logon: this user's Task Scheduler task, or a script in the Startup folder Windows names. */
import { win32 } from "node:path";
import { windowsUser } from "../windows/command-line.js";
import type { SetupTarget } from "../windows/netsh.js";
import {
  TASK_NAME,
  autostartCommand,
  encodeTaskXml,
  logonTaskXml,
  removeAutostartCommand,
  startupFolderCommand,
  startupFolderScript,
  startupScriptPath,
} from "../windows/schtasks.js";
import type { CommandIO } from "./io.js";
import type { SetupEnvironment } from "./setup-environment.js";

/** Where the relay's folder keeps the options the relay is started with at logon, for `setup` to renew. */
export const AUTOSTART_FILE = "autostart.json";

/**
 * Starts `program` with `relayOptions` when this user logs in: a per-user logon task from Task Scheduler
 * XML; a script in the user's Startup folder when Task Scheduler refuses. Needs no administrator rights.
 */
export async function addAutostart(
  program: SetupTarget,
  relayOptions: string[],
  io: CommandIO,
  environment: SetupEnvironment,
): Promise<boolean> {
  const task = {
    program: program.program,
    args: [...program.args, ...relayOptions],
    workingDirectory: environment.cwd,
  };
  const user = windowsUser(environment.env);
  let done: string | undefined;
  if (user) {
    const xmlPath = win32.join(environment.tempDir, `passerelle-task-${process.pid}.xml`);
    environment.writeFile(xmlPath, encodeTaskXml(logonTaskXml({ ...task, user })));
    const registered = await environment.run(autostartCommand(xmlPath, environment.env));
    environment.removeFile(xmlPath);
    if (registered) done = `when ${user} logs in (Task Scheduler, task "${TASK_NAME}"), on battery too`;
  }
  done ??= await startupScript(task, io, environment);
  if (!done) return false;
  environment.writeFile(win32.join(environment.home, AUTOSTART_FILE), JSON.stringify({ options: relayOptions }) + "\n");
  io.out(`The relay will start ${done}, from ${program.program} with ${relayOptions.join(" ")}.\n`);
  return true;
}

/** The Startup folder script; where it went, in words, or undefined when it could not be written (said). */
async function startupScript(
  task: { program: string; args: string[]; workingDirectory: string },
  io: CommandIO,
  environment: SetupEnvironment,
): Promise<string | undefined> {
  const folder = (await environment.read(startupFolderCommand(environment.env)))?.trim();
  if (!folder) {
    io.err("Autostart: Task Scheduler refused, and Windows did not say where this account's Startup folder is.\n");
    return undefined;
  }
  const script = startupScriptPath(folder);
  try {
    environment.writeFile(script, startupFolderScript(task));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    io.err(`Autostart: Task Scheduler refused, and the Startup folder could not be written (${code}).\n`);
    return undefined;
  }
  return `when you log in (a script in your Startup folder: ${script})`;
}

/** Stops starting the relay at logon: the task, or the Startup folder script of a locked-down PC, whichever is there. */
export async function removeAutostart(io: CommandIO, environment: SetupEnvironment): Promise<boolean> {
  await environment.run(removeAutostartCommand(environment.env));
  const folder = (await environment.read(startupFolderCommand(environment.env)))?.trim();
  if (folder) environment.removeFile(startupScriptPath(folder));
  environment.removeFile(win32.join(environment.home, AUTOSTART_FILE));
  io.out("The relay will no longer start at login.\n");
  return true;
}

/** Points the logon start, if the person asked for one, at `program` (installed since, or moved), with its options. */
export async function renewAutostart(
  program: SetupTarget,
  io: CommandIO,
  environment: SetupEnvironment,
): Promise<boolean> {
  const saved = environment.readFile(win32.join(environment.home, AUTOSTART_FILE));
  if (saved === undefined) return true;
  let options: string[];
  try {
    options = (JSON.parse(saved) as { options: string[] }).options.filter((o) => typeof o === "string");
  } catch {
    options = ["--port", String(program.port)];
  }
  return addAutostart(program, options, io, environment);
}
