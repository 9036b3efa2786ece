/** `passerelle cert`: the relay's certificate, for the clients that trust it by hand. */
import { relayHome } from "../state/home.js";
import { loadOrCreateIdentity } from "../state/identity.js";
import { commandArgs, type Command } from "./io.js";

/** `passerelle cert`: the relay's certificate (PEM), its fingerprint and id; `--path` prints only the file's path. */
export const cert: Command = async (args, io) => {
  const parsed = commandArgs("cert", "cert [--path]", args, { options: { path: { type: "boolean" } } }, io);
  if (!parsed) return 2;
  const identity = await loadOrCreateIdentity(relayHome(io.env));
  if (parsed.values.path) {
    io.out(identity.certPath + "\n");
    return 0;
  }
  io.out(identity.certPem.trimEnd() + "\n");
  io.err(
    `Relay id ${identity.relayId}\nSHA-256 fingerprint ${identity.fingerprint256}\nFile: ${identity.certPath}\n` +
      "Clients trust this certificate for this relay only (the host name is not checked; the certificate is).\n",
  );
  return 0;
};
