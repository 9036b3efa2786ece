/** `passerelle devices` and `revoke`: the paired devices listed, a damaged list repaired, a device unpaired. */
import { join } from "node:path";
import { damageNotice, RegistryDamagedError } from "../state/devices.js";
import { relayHome } from "../state/home.js";
import { registryIn, revokeDevice } from "./registry-commands.js";
import { DEVICES_FILE } from "../state/devices.js";
import { StateLockTimeout } from "../state/state-file.js";
import { commandArgs, typedIn, type Command, type CommandIO } from "./io.js";

/** What a registry command says when it cannot do its work: what happened and what to do next. */
export function registryCommandFailure(command: string, home: string, error: unknown, typed = "passerelle"): string {
  if (error instanceof RegistryDamagedError) return damageNotice(error.damage, join(home, DEVICES_FILE), typed);
  if (error instanceof StateLockTimeout)
    return `passerelle ${command}: another Passerelle process has held the list of devices for 15 s. Try again; if it persists, restart the relay.\n`;
  const code = (error as NodeJS.ErrnoException).code;
  return `passerelle ${command}: ${(error as Error).message}${code ? ` (${code})` : ""}\n`;
}

const DEVICES_USAGE = "devices [--restore | --reset]";

/** `passerelle devices [--restore | --reset]`: the paired devices, by name; a damaged list restored or started afresh. */
export const devices: Command = async (args, io) => {
  const options = { restore: { type: "boolean" }, reset: { type: "boolean" } } as const;
  const parsed = commandArgs("devices", DEVICES_USAGE, args, { options }, io);
  if (!parsed) return 2;
  const { restore, reset } = parsed.values;
  if (restore && reset) {
    io.err(`passerelle devices: --restore or --reset, not both.\nUsage: ${typedIn(io)} ${DEVICES_USAGE}\n`);
    return 2;
  }
  if (restore || reset) return repairDevices(reset ? "reset" : "restore", io);
  return listDevices(io);
};

/** Puts back the last good list of devices, or starts afresh: only when the list is damaged. */
function repairDevices(how: "restore" | "reset", io: CommandIO): number {
  const home = relayHome(io.env);
  const registry = registryIn(home);
  if (!registry.status().damage) {
    io.err(`The list of paired devices (${join(home, DEVICES_FILE)}) is not damaged: nothing to ${how}.\n`);
    return 1;
  }
  try {
    if (how === "reset") {
      registry.reset();
      io.out(`Started afresh: no device is paired. Pair each Mac again (\`${typedIn(io)} pair\`).\n`);
    } else {
      const count = registry.restore();
      io.out(`Restored the last good list: ${count} device${count === 1 ? "" : "s"}. The relay uses it at once.\n`);
    }
  } catch (error) {
    io.err(registryCommandFailure("devices", home, error, typedIn(io)));
    return 1;
  }
  return 0;
}

/** The paired devices, by name, and what happened to the list when it is damaged. */
function listDevices(io: CommandIO): number {
  const home = relayHome(io.env);
  const file = join(home, DEVICES_FILE);
  const { devices: list, damage } = registryIn(home).status();
  if (damage) io.err(damageNotice(damage, file, typedIn(io)) + "\n");
  if (!list.length) {
    if (!damage)
      io.out(
        `No device is paired yet. Run \`${typedIn(io)} pair\` (or press p in the relay's window) to pair a Mac.\n`,
      );
    return damage ? 1 : 0;
  }
  const width = Math.max(...list.map((d) => d.name.length), 4);
  io.out(`${"NAME".padEnd(width)}  KIND  PAIRED\n`);
  for (const d of list)
    io.out(`${d.name.padEnd(width)}  ${d.kind.padEnd(4)}  ${d.pairedAt.slice(0, 16).replace("T", " ")}\n`);
  io.out(`\nUnpair one with \`${typedIn(io)} revoke NAME\`.\n`);
  return damage ? 1 : 0;
}

/** `passerelle revoke NAME`: unpairs a device; a running relay refuses its token from the next request. */
export const revoke: Command = async (args, io) => {
  const usage = `revoke NAME (see \`${typedIn(io)} devices\` for the names)`;
  const parsed = commandArgs("revoke", usage, args, { allowPositionals: true }, io);
  if (!parsed) return 2;
  // A name with spaces may come unquoted, as several words.
  const name = parsed.positionals.join(" ").trim();
  if (!name) {
    io.err(`Usage: ${typedIn(io)} ${usage}.\n`);
    return 2;
  }
  const home = relayHome(io.env);
  let removed: boolean;
  try {
    removed = await revokeDevice(home, name);
  } catch (error) {
    io.err(registryCommandFailure("revoke", home, error, typedIn(io)));
    return 1;
  }
  if (!removed) {
    io.err(`No paired device is named "${name}". See \`${typedIn(io)} devices\`.\n`);
    return 1;
  }
  io.out(`"${name}" is unpaired: the relay refuses its token from now on, even if it is running.\n`);
  return 0;
};
