/** What a caller is told when the list of paired devices cannot be checked or changed. */
import { registryDamaged, relayBusy, type RelayError } from "../errors.js";
import { RegistryDamagedError } from "../state/devices.js";
import { StateLockTimeout } from "../state/state-file.js";

/** The answer a caller gets when the registry cannot be checked or changed (a damaged file, a lock held too long). */
export function registryFailure(error: unknown): RelayError | undefined {
  if (error instanceof RegistryDamagedError) return registryDamaged();
  if (error instanceof StateLockTimeout) return relayBusy("registry");
  return undefined;
}
