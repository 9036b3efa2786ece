/** Which subcommand runs (`pair`, `devices`, `revoke`, `cert`, `setup`), each loaded only when asked for. */
import { moveRoamingHome } from "../state/home.js";
import { processIO, type Command, type CommandIO } from "./io.js";

const COMMANDS: Record<string, () => Promise<Command>> = {
  pair: async () => (await import("./pair.js")).pair,
  devices: async () => (await import("./devices.js")).devices,
  revoke: async () => (await import("./devices.js")).revoke,
  cert: async () => (await import("./cert.js")).cert,
  setup: async () => (await import("./setup.js")).setup,
};

/** Subcommands, for `--help`. */
export const SUBCOMMANDS_HELP = `Commands:
  passerelle pair                 show a pairing code for a Mac (the relay must be running)
  passerelle pair --cli NAME      issue a token for a script or app [--json]
  passerelle devices              list paired devices; when the list is damaged, say what happened and
                                  [--restore] put back the last good list, or [--reset] start afresh
  passerelle revoke NAME          unpair a device (at once, even while the relay runs)
  passerelle cert                 print the relay's certificate and fingerprint [--path]
  passerelle setup                Windows: allow the relay through the firewall (asks for permission)
                                  [--autostart | --no-autostart] [-- relay options for the logon task]
`;

export function isSubcommand(name: string | undefined): boolean {
  return name !== undefined && Object.hasOwn(COMMANDS, name);
}

/** Runs `passerelle <name> …`; resolves with the exit code. */
export async function runSubcommand(argv: string[], io: CommandIO = processIO): Promise<number> {
  const [name, ...args] = argv;
  // A command run before the relay's first start since an update must find the folder where the relay will.
  const moved = io === processIO ? moveRoamingHome(io.env) : undefined;
  if (moved) io.err(moved + "\n");
  const command = await COMMANDS[name!]!();
  return command(args, io);
}
