import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  autostartCommand,
  display,
  firewallCommands,
  removeAutostartCommand,
  type CommandLine,
  type SetupTarget,
} from "../setup/windows.js";
import type { Command, CommandIO } from "./io.js";

/** Runs a Windows command; false when it failed (its output is not shown: it may be long and localised). */
type Runner = (command: CommandLine) => boolean;

const runWindows: Runner = (command) => {
  try {
    execFileSync(command.file, command.args, { stdio: "ignore", windowsHide: true });
    return true;
  } catch {
    return false;
  }
};

/** `net session` succeeds only in an elevated (administrator) terminal. */
const isElevated = () => runWindows({ file: "net", args: ["session"] });

export interface SetupEnvironment {
  platform: NodeJS.Platform;
  target: SetupTarget;
  run: Runner;
  elevated: () => boolean;
}

function defaultEnvironment(env: NodeJS.ProcessEnv): SetupEnvironment {
  return {
    platform: process.platform,
    target: {
      program: process.execPath,
      script: fileURLToPath(new URL("../../bin/passerelle.js", import.meta.url)),
      port: Number(env.PASSERELLE_PORT || 8787),
    },
    run: runWindows,
    elevated: isElevated,
  };
}

/** `passerelle setup [--port N] [--autostart | --no-autostart]`. */
export const setup: Command = async (args, io) => runSetup(args, io, defaultEnvironment(io.env));

export async function runSetup(args: string[], io: CommandIO, environment: SetupEnvironment): Promise<number> {
  let values: { port?: string; autostart?: boolean; "no-autostart"?: boolean };
  try {
    values = parseArgs({
      args,
      options: { port: { type: "string" }, autostart: { type: "boolean" }, "no-autostart": { type: "boolean" } },
      strict: true,
    }).values;
  } catch (error) {
    io.err(`passerelle setup: ${(error as Error).message.split("\n")[0]}\n`);
    return 2;
  }
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

  let failed = false;
  const firewall = firewallCommands(target);
  if (environment.elevated()) {
    // A delete of a rule that does not exist fails: only the "add" commands must succeed.
    const ok = firewall.every((command) => environment.run(command) || command.args.includes("delete"));
    if (ok) {
      io.out(
        `Firewall: the relay (${target.program}) may now receive connections on TCP ${target.port} and mDNS (UDP 5353), ` +
          `from the local subnet only, on every network profile (Public Wi-Fi included).\n`,
      );
    } else {
      failed = true;
      io.err("Firewall: Windows refused the rule. Run these commands yourself in an administrator terminal:\n");
      for (const command of firewall) io.err(`  ${display(command)}\n`);
    }
  } else {
    io.out(
      "Firewall: adding a rule needs administrator rights. Open Terminal as administrator (right-click the Start button, " +
        "Terminal (Admin)) and run `npx passerelle setup` again, or paste these commands there:\n",
    );
    for (const command of firewall) io.out(`  ${display(command)}\n`);
    io.out(
      "They allow the relay from the local subnet only, on every profile: classroom Wi-Fi is usually a Public network, and nothing needs to be switched to Private.\n",
    );
  }

  if (values.autostart || values["no-autostart"]) {
    const command = values.autostart ? autostartCommand(target) : removeAutostartCommand();
    if (environment.run(command)) {
      io.out(
        values.autostart
          ? "The relay will start when you log in (Task Scheduler).\n"
          : "The relay will no longer start at login.\n",
      );
    } else {
      failed = true;
      io.err(`Task Scheduler refused. Run it yourself:\n  ${display(command)}\n`);
    }
  }
  return failed ? 1 : 0;
}
