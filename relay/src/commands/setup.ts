/** `passerelle setup` (Windows): the program installed where it stays, the firewall rule through the UAC prompt, and the relay started at logon. */
import { ConfigError, loadConfig } from "../config.js";
import type { SetupTarget } from "../windows/netsh.js";
import { processSetupEnvironment, type SetupEnvironment } from "./setup-environment.js";
import { addAutostart, removeAutostart, renewAutostart } from "./autostart.js";
import { setUpFirewall } from "./firewall-setup.js";
import { installProgram } from "./install.js";
import { commandArgs, type Command, type CommandIO } from "./io.js";

/** `passerelle setup [--port N] [--autostart | --no-autostart] [-- relay options]`. */
export const setup: Command = async (args, io) =>
  runSetup(args, io, processSetupEnvironment(io.env, Number(io.env.PASSERELLE_PORT || 8787)));

const USAGE = "setup [--port N] [--autostart | --no-autostart] [-- relay options for the logon task]";

const SETUP_OPTIONS = {
  port: { type: "string" },
  autostart: { type: "boolean" },
  "no-autostart": { type: "boolean" },
  "firewall-only": { type: "boolean" },
} as const;

/**
 * `setup` installs passerelle.exe where it stays, allows it through the firewall (the one step that asks
 * for administrator rights) and points an existing logon task at it. `--autostart` and `--no-autostart`
 * touch the logon task only, and never ask for administrator rights.
 */
export async function runSetup(args: string[], io: CommandIO, environment: SetupEnvironment): Promise<number> {
  const parsed = commandArgs("setup", USAGE, args, { options: SETUP_OPTIONS, allowPositionals: true }, io);
  if (!parsed) return 2;
  const { values, positionals: relayArgs } = parsed;
  const target = { ...environment.target, port: values.port ? Number(values.port) : environment.target.port };
  if (!Number.isInteger(target.port) || target.port < 1 || target.port > 65535) {
    io.err(`passerelle setup: "${values.port}" is not a port number.\n`);
    return 2;
  }
  if (environment.platform !== "win32") return elsewhere(target.port, io);
  // What the UAC prompt runs: the installed program, elevated, for the rule alone.
  if (values["firewall-only"]) return (await setUpFirewall(target, io, environment, true)) ? 0 : 1;
  if (values.autostart && !relayOptionsValid(relayArgs, io)) return 2;

  if (values["no-autostart"]) return (await removeAutostart(io, environment)) ? 0 : 1;
  if (!values.autostart) return (await setUpThisPc(target, io, environment)).ok ? 0 : 1;
  const program = await installProgram(target, io, environment);
  const options = ["--port", String(target.port), ...relayArgs];
  return program && (await addAutostart(program, options, io, environment)) ? 0 : 1;
}

/**
 * `setup` without options, from the relay's window (f): installs, allows through the firewall, renews the
 * logon start. Gives the program set up, which is where the relay should run from now on.
 */
export async function setUpThisPc(
  target: SetupTarget,
  io: CommandIO,
  environment: SetupEnvironment,
): Promise<{ ok: boolean; program: SetupTarget }> {
  const program = await installProgram(target, io, environment);
  if (!program) return { ok: false, program: target };
  const allowed = await setUpFirewall(program, io, environment, false);
  const renewed = await renewAutostart(program, io, environment);
  return { ok: allowed && renewed, program };
}

/**
 * The relay's own check of the options the logon task will start it with: a mistake is said now, not
 * at the next logon in a window that closes.
 */
function relayOptionsValid(relayArgs: string[], io: CommandIO): boolean {
  try {
    loadConfig(relayArgs, { ...io.env, PASSERELLE_PORT: undefined });
    return true;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.err(`passerelle setup: the relay would not start with these options: ${error.message}\n`);
    return false;
  }
}

function elsewhere(port: number, io: CommandIO): number {
  io.out(
    `Nothing to set up automatically here: this is for Windows.\n` +
      `If a firewall runs on this machine, allow TCP port ${port} and UDP port 5353 (mDNS) from the local\n` +
      `network, e.g. with ufw:\n` +
      `  sudo ufw allow from <your LAN, e.g. 192.168.1.0/24> to any port ${port} proto tcp\n` +
      `  sudo ufw allow from <your LAN> to any port 5353 proto udp\n` +
      `To start the relay at login, use your system's service manager (systemd --user, launchd).\n`,
  );
  return 0;
}
