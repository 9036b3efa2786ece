import { RelayError } from "../errors.js";
import { RegistryDamagedError } from "../state/devices.js";
import { StateLockTimeout } from "../state/state-file.js";

/** The answer a caller gets when the registry cannot be checked or changed (a damaged file, a lock held too long). */
export function registryFailure(error: unknown): RelayError | undefined {
  if (error instanceof RegistryDamagedError) return registryDamaged();
  if (error instanceof StateLockTimeout) {
    return new RelayError(503, "relay_busy", "The relay is saving its list of paired devices; try again in a moment.", {
      type: "relay_error",
      retryAfter: 1,
    });
  }
  return undefined;
}

/** The relay's list of paired devices is damaged: the person at the PC must choose what to do. */
export function registryDamaged(): RelayError {
  return new RelayError(
    503,
    "device_registry_damaged",
    "The relay's list of paired devices is damaged, so it cannot check or pair this device. On the relay's PC, run `passerelle devices`: it says what happened and how to restore the list or start afresh.",
    { type: "relay_error" },
  );
}
