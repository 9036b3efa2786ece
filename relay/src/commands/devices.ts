import { join } from "node:path";
import { DeviceRegistry } from "../security/devices.js";
import { relayHome } from "../security/home.js";
import { DEVICES_FILE } from "../security/relay-security.js";
import type { Command } from "./io.js";

const registry = (env: NodeJS.ProcessEnv) => new DeviceRegistry(join(relayHome(env), DEVICES_FILE));

/** `passerelle devices`: the paired devices, by name. */
export const devices: Command = async (_args, io) => {
  const list = registry(io.env).list();
  if (!list.length) {
    io.out("No device is paired yet. Run `passerelle pair` (or press p in the relay's window) to pair a Mac.\n");
    return 0;
  }
  const width = Math.max(...list.map((d) => d.name.length), 4);
  io.out(`${"NAME".padEnd(width)}  KIND  PAIRED\n`);
  for (const d of list)
    io.out(`${d.name.padEnd(width)}  ${d.kind.padEnd(4)}  ${d.pairedAt.slice(0, 16).replace("T", " ")}\n`);
  io.out("\nUnpair one with `passerelle revoke NAME`.\n");
  return 0;
};

/** `passerelle revoke NAME`: unpairs a device; a running relay refuses its token from the next request. */
export const revoke: Command = async (args, io) => {
  const name = args.join(" ").trim();
  if (!name) {
    io.err("Usage: passerelle revoke NAME (see `passerelle devices` for the names).\n");
    return 2;
  }
  if (!registry(io.env).remove(name)) {
    io.err(`No paired device is named "${name}". See \`passerelle devices\`.\n`);
    return 1;
  }
  io.out(`"${name}" is unpaired: the relay refuses its token from now on, even if it is running.\n`);
  return 0;
};
