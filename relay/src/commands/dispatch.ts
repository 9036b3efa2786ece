/** Which subcommand runs (`pair`, `devices`, `revoke`, `cert`, `setup`), each loaded only when asked for. */
import { moveRoamingHome, roamingHomeLeft, roamingHomeNotice } from "../state/home.js";
import { processIO, type Command, type CommandIO } from "./io.js";

const COMMANDS: Record<string, () => Promise<Command>> = {
  pair: async () => (await import("./pair.js")).pair,
  devices: async () => (await import("./devices.js")).devices,
  revoke: async () => (await import("./devices.js")).revoke,
  cert: async () => (await import("./cert.js")).cert,
  setup: async () => (await import("./setup.js")).setup,
};

/** Subcommands, for `--help`, each typed after the program's name as the person types it (`typed`). */
export function subcommandsHelp(typed: string): string {
  return `Commands, typed after the program's name (${typed} pair):
  pair                 show a pairing code for a Mac (the relay must be running)
  pair --cli NAME      issue a token for a script or app [--json]
  devices              list paired devices; when the list is damaged, say what happened and
                       [--restore] put back the last good list, or [--reset] start afresh
  revoke NAME          unpair a device (at once, even while the relay runs)
  cert                 print the relay's certificate and fingerprint [--path]
  setup                Windows: install the relay for this account and allow it through the
                       firewall (asks for permission)
  setup --autostart    Windows: start the relay at logon (no permission needed); relay options
                       for it after -- (setup --autostart -- --port 9000); --no-autostart: not
`;
}

export function isSubcommand(name: string | undefined): boolean {
  return name !== undefined && Object.hasOwn(COMMANDS, name);
}

/** Runs `passerelle <name> …`; resolves with the exit code. */
export async function runSubcommand(argv: string[], io: CommandIO = processIO): Promise<number> {
  const [name, ...args] = argv;
  // A command run before the relay's first start since an update must find the folder where the relay will.
  const moved = io === processIO ? moveRoamingHome(io.env) : undefined;
  if (moved) io.err(moved + "\n");
  const left = io === processIO ? roamingHomeLeft(io.env) : undefined;
  if (left) {
    const how = `Remove it with r in the relay's window, or in PowerShell:\n  Remove-Item -Recurse -Force '${left.replace(/'/g, "''")}'`;
    io.err(roamingHomeNotice(left, how) + "\n");
  }
  const command = await COMMANDS[name!]!();
  return command(args, io);
}
