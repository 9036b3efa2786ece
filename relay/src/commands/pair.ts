/** `passerelle pair`: a pairing code for a Mac from the running relay, or with `--cli` a token for a script. */
import { hostname } from "node:os";
import { basename } from "node:path";
import { addressForScripts, hostPort } from "../network/addresses.js";
import { relayHome } from "../state/home.js";
import { loadOrCreateIdentity, type RelayIdentity } from "../state/identity.js";
import { damageNotice } from "../state/devices.js";
import { localRelay, openPairing, type OpenedSession } from "./control-client.js";
import { addCliDevice, registryIn } from "./registry-commands.js";
import { registryCommandFailure } from "./devices.js";
import { commandArgs, typedIn, type Command, type CommandIO } from "./io.js";
import { pairingInstructions } from "../console/pairing-instructions.js";

/** `passerelle pair`: a pairing code from the running relay; `pair --cli NAME [--json]`: a token for a script. */
export const pair: Command = async (args, io) => {
  const options = { cli: { type: "string" }, json: { type: "boolean" } } as const;
  const parsed = commandArgs("pair", "pair [--cli NAME [--json]]", args, { options }, io);
  if (!parsed) return 2;
  const { values } = parsed;
  return values.cli !== undefined ? pairScript(values.cli, values.json === true, io) : pairMac(io);
};

async function pairMac(io: CommandIO): Promise<number> {
  const home = relayHome(io.env);
  const relay = localRelay(home);
  if (!relay) {
    io.err(
      `The relay is not running. Pairing happens in the relay itself: start it (\`${typedIn(io)}\`), then run\n` +
        `\`${typedIn(io)} pair\` again in another terminal, or press p in the relay's window.\n`,
    );
    return 1;
  }
  // A code would be refused while the list of devices is damaged: the person chooses first.
  const { damage } = registryIn(home).status();
  if (damage) {
    io.err(damageNotice(damage, registryIn(home).path, typedIn(io)));
    return 1;
  }
  let opened: OpenedSession;
  try {
    opened = await openPairing(relay);
  } catch (error) {
    io.err(`passerelle pair: the running relay did not open pairing (${(error as Error).message}).\n`);
    return 1;
  }
  const newCode = `For a new one, press p in the relay's window, or run \`${typedIn(io)} pair\` again.`;
  io.out(pairingInstructions(opened.code, opened.expiresAt, opened.maxTries, newCode));
  return 0;
}

async function pairScript(name: string, json: boolean, io: CommandIO): Promise<number> {
  if (!name.trim()) {
    io.err(`Usage: ${typedIn(io)} pair --cli NAME [--json] (NAME says which script or app will use the token).\n`);
    return 2;
  }
  const home = relayHome(io.env);
  const identity = await loadOrCreateIdentity(home);
  let token: string;
  let device: { name: string };
  try {
    ({ token, ...device } = await addCliDevice(home, name));
  } catch (error) {
    io.err(registryCommandFailure("pair", home, error, typedIn(io)));
    return 1;
  }
  if (json) {
    io.out(JSON.stringify({ token, fingerprint: identity.fingerprint256, cert: identity.certPem }) + "\n");
    return 0;
  }
  const running = localRelay(home)?.runtime;
  const port = running?.port ?? Number(io.env.PASSERELLE_PORT || 8787);
  // An address the relay really listens on: 127.0.0.1 when it listens on loopback only, never vEthernet's.
  const address = await addressForScripts(running);
  io.out(scriptInstructions(device.name, token, address, port, identity, typedIn(io)));
  return 0;
}

/** A device name as typed after `revoke`: as it is when PowerShell and cmd read it alike (spaces join), else quoted. */
const typedName = (name: string) => (/^[\w .-]+$/.test(name) ? name : `'${name.replace(/'/g, "''")}'`);

/**
 * What `pair --cli` prints: the token, where the relay is (its address and actual port), and code for the
 * computer that runs the script, which may be another one: the certificate file is copied beside the
 * script, and the code reads it from there, never from a path of this PC.
 */
function scriptInstructions(
  name: string,
  token: string,
  address: string,
  port: number,
  identity: RelayIdentity,
  typed: string,
): string {
  const baseURL = `https://${hostPort(address, port)}/v1`;
  const cert = basename(identity.certPath);
  return `"${name}" is paired. Its token is shown this once: keep it like a password
(\`${typed} revoke ${typedName(name)}\` unpairs it).

  Token:         ${token}
  Base URL:      ${baseURL}
  Header:        X-Passerelle-Token: <token>, with Authorization: Bearer <your OpenAI key> as usual
  Certificate:   ${cert}, trusted for this relay only, with this SHA-256 fingerprint:
                 ${identity.fingerprint256}

Copy ${identity.certPath}
to the computer that runs the script, beside the script: the code below reads ${cert} from there.

Python (openai 1.x to 3.x, which brings its own HTTP client; PASSERELLE_TOKEN and OPENAI_API_KEY set):
  import os, ssl, openai
  tls = ssl.create_default_context(cafile="${cert}")
  tls.check_hostname = False  # the relay's own certificate is the check, not a name
  client = openai.OpenAI(base_url="${baseURL}",
                         default_headers={"X-Passerelle-Token": os.environ["PASSERELLE_TOKEN"]},
                         http_client=openai.DefaultHttpxClient(verify=tls))

Node (npm install openai undici; in a .mjs file; PASSERELLE_TOKEN and OPENAI_API_KEY set):
  import { readFileSync } from "node:fs";
  import OpenAI from "openai";
  import { Agent, fetch } from "undici";
  const relayCert = readFileSync("${cert}", "utf8");
  const dispatcher = new Agent({ connect: { ca: relayCert, checkServerIdentity: (_host, cert) =>
    cert.fingerprint256 === "${identity.fingerprint256}" ? undefined : new Error("Not this relay's certificate.") } });
  const client = new OpenAI({ baseURL: "${baseURL}", fetch, fetchOptions: { dispatcher },
    defaultHeaders: { "X-Passerelle-Token": process.env.PASSERELLE_TOKEN } });

Apps that only take a base URL and an API key: give them this API key, the token, a dot, then your key
(the relay checks the token and sends only your key on):
  psr_….<your OpenAI key>
Such apps check certificates against the system's store: add ${cert} there as trusted, and give them
https://${hostname().split(".")[0]}.local:${port}/v1 as the base URL (a name the certificate carries).
`;
}
