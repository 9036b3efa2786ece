/** `passerelle setup` (Windows): the firewall rule through the UAC prompt, and the relay started at logon. */
import { execFile } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { invocationDirectory } from "../state/home.js";
import { selfInvocation } from "./self-invocation.js";
import {
  autostartCommand,
  encodeTaskXml,
  logonTaskXml,
  removeAutostartCommand,
  startupFolderScript,
  startupScriptPath,
} from "../windows/schtasks.js";
import { display, windowsUser, type CommandLine } from "../windows/command-line.js";
import { elevateCommand } from "../windows/elevation.js";
import { firewallCommands, firewallRuleCheckCommand, type SetupTarget } from "../windows/netsh.js";
import { commandArgs, type Command, type CommandIO } from "./io.js";

/** Runs a Windows command; false when it failed (its output is not shown: it may be long and localised). */
export type Runner = (command: CommandLine) => Promise<boolean>;

/** Runs a command without a window and without blocking the relay (a UAC prompt can stay open for minutes). */
export const runWindows: Runner = (command) =>
  new Promise((resolve) =>
    execFile(command.file, command.args, { windowsHide: true, timeout: 300_000 }, (error) => resolve(!error)),
  );

/** What setup touches, so a test can record it: the commands it runs and the files it writes. */
export interface SetupEnvironment {
  platform: NodeJS.Platform;
  target: SetupTarget;
  run: Runner;
  /** `net session` succeeds only with administrator rights. */
  elevated: () => Promise<boolean>;
  env: NodeJS.ProcessEnv;
  /** Where the command was typed (npm gives it as INIT_CWD): the logon task starts there. */
  cwd: string;
  writeFile(path: string, data: Buffer | string): void;
  removeFile(path: string): void;
  tempDir: string;
}

/** The setup environment of this process: the relay's own stable path, real commands and files. */
export function processSetupEnvironment(env: NodeJS.ProcessEnv, port: number): SetupEnvironment {
  const self = selfInvocation();
  return {
    platform: process.platform,
    target: { program: self.program, args: self.args, port },
    run: runWindows,
    elevated: () => runWindows({ file: "net", args: ["session"] }),
    env,
    cwd: invocationDirectory(env),
    writeFile: (path, data) => writeFileSync(path, data),
    removeFile: (path) => rmSync(path, { force: true }),
    tempDir: tmpdir(),
  };
}

/** `passerelle setup [--port N] [--autostart | --no-autostart] [-- relay options]`. */
export const setup: Command = async (args, io) =>
  runSetup(args, io, processSetupEnvironment(io.env, Number(io.env.PASSERELLE_PORT || 8787)));

const USAGE = "passerelle setup [--port N] [--autostart | --no-autostart] [-- relay options for the logon task]";

const SETUP_OPTIONS = {
  port: { type: "string" },
  autostart: { type: "boolean" },
  "no-autostart": { type: "boolean" },
  "firewall-only": { type: "boolean" },
} as const;

export async function runSetup(args: string[], io: CommandIO, environment: SetupEnvironment): Promise<number> {
  const parsed = commandArgs("setup", USAGE, args, { options: SETUP_OPTIONS, allowPositionals: true }, io);
  if (!parsed) return 2;
  const { values, positionals: relayArgs } = parsed;
  const target = { ...environment.target, port: values.port ? Number(values.port) : environment.target.port };
  if (!Number.isInteger(target.port) || target.port < 1 || target.port > 65535) {
    io.err(`passerelle setup: "${values.port}" is not a port number.\n`);
    return 2;
  }

  if (environment.platform !== "win32") {
    io.out(
      `Nothing to set up automatically here: this is for Windows.\n` +
        `If a firewall runs on this machine, allow TCP port ${target.port} and UDP port 5353 (mDNS) from the local network, e.g. with ufw:\n` +
        `  sudo ufw allow from <your LAN, e.g. 192.168.1.0/24> to any port ${target.port} proto tcp\n` +
        `  sudo ufw allow from <your LAN> to any port 5353 proto udp\n` +
        `To start the relay at login, use your system's service manager (systemd --user, launchd).\n`,
    );
    return 0;
  }

  let ok = await setUpFirewall(target, io, environment, values["firewall-only"] === true);
  if (!values["firewall-only"] && (values.autostart || values["no-autostart"])) {
    const relayOptions = ["--port", String(target.port), ...relayArgs];
    ok =
      (values.autostart
        ? await addAutostart(target, relayOptions, io, environment)
        : await removeAutostart(io, environment)) && ok;
  }
  return ok ? 0 : 1;
}

/**
 * Elevated: removes Windows' Block rules for the program, then adds the Allow rules. Not elevated: runs
 * itself elevated through the UAC prompt for that part only, then checks the rule is there.
 */
export async function setUpFirewall(
  target: SetupTarget,
  io: CommandIO,
  environment: SetupEnvironment,
  elevatedRun: boolean,
): Promise<boolean> {
  const commands = firewallCommands(target);
  if (await environment.elevated()) {
    // Deleting a rule that is not there fails, and so may the Block-rule clean-up: only "add" must succeed.
    let ok = true;
    for (const command of commands) {
      if (!(await environment.run(command)) && command.args.includes("add")) ok = false;
    }
    if (ok) {
      io.out(
        `Firewall: the relay (${target.program}) may now receive connections on TCP ${target.port} and mDNS (UDP 5353), ` +
          `from the local subnet only, on every network profile (Public Wi-Fi included). Block rules Windows had made for it are gone.\n`,
      );
      return true;
    }
    io.err("Firewall: Windows refused the rule. Run these commands yourself in an administrator terminal:\n");
    for (const command of commands) io.err(`  ${display(command)}\n`);
    return false;
  }
  if (elevatedRun) {
    io.err("Firewall: this needs administrator rights, and the UAC prompt did not give them.\n");
    return false;
  }

  // Already allowed (an earlier setup): no UAC prompt just to register the logon task.
  if (await environment.run(firewallRuleCheckCommand(target.port))) {
    io.out(`Firewall: the relay's rule for TCP ${target.port} is already there.\n`);
    return true;
  }
  io.out("Firewall: Windows asks for permission (the UAC prompt)…\n");
  const elevate = elevateCommand(target.program, [
    ...target.args,
    "setup",
    "--firewall-only",
    "--port",
    String(target.port),
  ]);
  const ran = await environment.run(elevate);
  if (ran && (await environment.run(firewallRuleCheckCommand(target.port)))) {
    io.out(
      `Firewall: done. The relay may receive connections on TCP ${target.port} and mDNS from the local subnet, on every network profile (Public Wi-Fi included).\n`,
    );
    return true;
  }
  io.err(
    "Firewall: not changed: the UAC prompt was cancelled, or this account is not an administrator.\n" +
      "Ask someone with an administrator account to run `passerelle setup` on this PC, or to paste these commands in Terminal (Admin):\n",
  );
  for (const command of commands) io.err(`  ${display(command)}\n`);
  return false;
}

/** A per-user logon task from Task Scheduler XML; the user's Startup folder when Task Scheduler refuses. */
async function addAutostart(
  target: SetupTarget,
  relayOptions: string[],
  io: CommandIO,
  environment: SetupEnvironment,
): Promise<boolean> {
  const task = {
    program: target.program,
    args: [...target.args, ...relayOptions],
    workingDirectory: environment.cwd,
  };
  const user = windowsUser(environment.env);
  if (user) {
    const xmlPath = join(environment.tempDir, `passerelle-task-${process.pid}.xml`);
    environment.writeFile(xmlPath, encodeTaskXml(logonTaskXml({ ...task, user })));
    const registered = await environment.run(autostartCommand(xmlPath));
    environment.removeFile(xmlPath);
    if (registered) {
      io.out(
        `The relay will start when ${user} logs in (Task Scheduler, task "Passerelle relay"), on battery too, with ${relayOptions.join(" ")}.\n`,
      );
      return true;
    }
  }
  if (!environment.env.APPDATA) {
    io.err("Autostart: Task Scheduler refused, and this account has no Startup folder (APPDATA is not set).\n");
    return false;
  }
  const script = startupScriptPath(environment.env.APPDATA);
  try {
    environment.writeFile(script, startupFolderScript(task));
  } catch (error) {
    io.err(
      `Autostart: Task Scheduler refused, and the Startup folder could not be written (${(error as NodeJS.ErrnoException).code ?? "error"}).\n`,
    );
    return false;
  }
  io.out(`The relay will start when you log in (a script in your Startup folder: ${script}).\n`);
  return true;
}

async function removeAutostart(io: CommandIO, environment: SetupEnvironment): Promise<boolean> {
  // Either may be absent: the task, or the Startup folder script of a locked-down PC.
  await environment.run(removeAutostartCommand());
  if (environment.env.APPDATA) environment.removeFile(startupScriptPath(environment.env.APPDATA));
  io.out("The relay will no longer start at login.\n");
  return true;
}
