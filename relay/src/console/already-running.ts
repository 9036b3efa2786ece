import { addressForScripts, hostPort } from "../network/addresses.js";
import { openPairing, pairingInstructions } from "../commands/pair.js";
import { isAlive } from "../state/state-file.js";
import { readIdentity } from "../state/identity.js";
import { readRuntimeInfo } from "../state/runtime-info.js";

/**
 * When the port is taken by this PC's own relay (a second double-click, a logon task already running):
 * shows that relay's status and a fresh pairing code from it, and resolves true. False when the port is
 * held by something else, or the relay there does not answer.
 */
export async function showRunningRelay(home: string, port: number, print: (text: string) => void): Promise<boolean> {
  const runtime = readRuntimeInfo(home);
  const identity = readIdentity(home);
  if (!runtime || !identity || (port !== 0 && runtime.port !== port) || !isAlive(runtime.pid)) return false;
  let opened: Awaited<ReturnType<typeof openPairing>>;
  try {
    opened = await openPairing(runtime, identity);
  } catch {
    return false;
  }
  const address = await addressForScripts(runtime);
  print(
    `The relay is already running on this PC (process ${runtime.pid}, ${hostPort(address, runtime.port)}, relay id ${identity.relayId}): ` +
      "it keeps running in its own window or in the background. Here is a pairing code from it:\n",
  );
  print(pairingInstructions(opened.code, new Date(opened.expiresAt), opened.maxTries));
  return true;
}
