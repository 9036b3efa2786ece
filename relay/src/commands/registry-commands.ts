/** The list of devices as the commands change it: through the running relay when one runs, else in the file. */
import { join } from "node:path";
import { askRunningRelay, refusal, type ControlAnswer } from "./control-client.js";
import { DeviceRegistry, RegistryDamagedError } from "../state/devices.js";
import { DEVICES_FILE } from "../state/devices.js";

/** The registry in `home`, as the commands open it. */
export const registryIn = (home: string) => new DeviceRegistry(join(home, DEVICES_FILE));

/**
 * A relay listening on one LAN address only sees this PC's request come from that address, not
 * loopback, and refuses it: the file, under its lock, is then the way (the relay takes the same lock).
 */
const isNotLoopback = (answer: ControlAnswer) =>
  answer.status === 403 && (answer.body.error as { code?: string } | undefined)?.code === "control_refused";

/** The relay answered an owner's request with an error: its words, or the local registry's damage. */
function refused(home: string, answer: ControlAnswer): Error {
  const code = (answer.body.error as { code?: string } | undefined)?.code;
  const damage = code === "device_registry_damaged" ? registryIn(home).status().damage : undefined;
  if (damage) return new RegistryDamagedError(damage);
  return new Error(refusal(answer));
}

/**
 * Pairs a script or app (`pair --cli NAME`): through the running relay, the one writer of its list,
 * or, when none runs, in the file itself under the registry's lock. The token is returned once saved.
 */
export async function addCliDevice(home: string, name: string): Promise<{ token: string; name: string }> {
  const answer = await askRunningRelay(home, "/control/devices", { name });
  if (!answer || isNotLoopback(answer)) {
    const { token, device } = registryIn(home).add(name, "cli");
    return { token, name: device.name };
  }
  if (answer.status !== 200) throw refused(home, answer);
  return { token: String(answer.body.token), name: String(answer.body.name) };
}

/** Unpairs the device with this name (`revoke NAME`), the same way; false when there is none. */
export async function revokeDevice(home: string, name: string): Promise<boolean> {
  const answer = await askRunningRelay(home, "/control/devices/revoke", { name });
  if (!answer || isNotLoopback(answer)) return registryIn(home).remove(name);
  if (answer.status !== 200) throw refused(home, answer);
  return answer.body.removed === true;
}
