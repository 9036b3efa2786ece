/** A second start on this PC: the relay already running is shown, with a fresh pairing code from it. */
import { addressForScripts, hostPort } from "../network/addresses.js";
import { pairingInstructions } from "./pairing-instructions.js";
import { localRelay, openPairing, type OpenedSession } from "../commands/control-client.js";

/**
 * When the port is taken by this PC's own relay (a second double-click, a logon task already running):
 * shows that relay's status and a fresh pairing code from it, and resolves true. False when the port is
 * held by something else, or the relay there does not answer.
 */
export async function showRunningRelay(home: string, port: number, print: (text: string) => void): Promise<boolean> {
  const relay = localRelay(home);
  if (!relay || (port !== 0 && relay.runtime.port !== port)) return false;
  let opened: OpenedSession;
  try {
    opened = await openPairing(relay);
  } catch {
    return false;
  }
  const { runtime, identity } = relay;
  const address = await addressForScripts(runtime);
  print(
    `The relay is already running on this PC (process ${runtime.pid}, ${hostPort(address, runtime.port)}, relay id ${identity.relayId}): ` +
      "it keeps running in its own window or in the background. Here is a pairing code from it:\n",
  );
  const newCode = "For a new one, press p in the relay's window, or start this program again.";
  print(pairingInstructions(opened.code, opened.expiresAt, opened.maxTries, newCode));
  return true;
}
