import { getPreferenceValues, LocalStorage } from "@raycast/api";
import { parseRelayAddress } from "./address";
import { relocateRelay, type RelayLookup } from "./discovery";
import { NotPairedError } from "../failures/errors";
import { checkRelayHealth, type RelayConnection } from "./transport";
import { withRelocation } from "./relocation";

/** LocalStorage key where pairing stores the paired relay (a JSON {@link PairedConnection}). */
export const PAIRED_RELAY_KEY = "paired-relay";

/** The relay this Mac paired with: pinned TLS and a device token; its id finds it again when its address changes. */
export interface PairedConnection extends RelayConnection {
  scheme: "https";
  certificatePem: string;
  deviceToken: string;
  relayId?: string;
}

/** The one place that decides which relay the extension talks to: the paired one. Throws {@link NotPairedError}. */
export async function getRelayConnection(): Promise<PairedConnection> {
  const stored = await LocalStorage.getItem<string>(PAIRED_RELAY_KEY);
  const paired = typeof stored === "string" ? parsePairedRelay(stored) : undefined;
  if (!paired) throw new NotPairedError("No paired relay is stored");
  return paired;
}

/** Stores the relay that pairing agreed on (or its new address); {@link getRelayConnection} returns it from then on. */
export async function savePairedRelay(connection: RelayConnection): Promise<void> {
  await LocalStorage.setItem(PAIRED_RELAY_KEY, JSON.stringify(connection));
}

/**
 * Looks the paired relay up again on mDNS by its id (the PC changed network). Undefined when it has no id or
 * is not found in time. Stores nothing: {@link withPairedRelay} keeps the address once the relay answered there.
 */
export async function relocatePairedRelay(
  paired: PairedConnection,
  options: { timeoutMs?: number; lookup?: RelayLookup } = {},
): Promise<PairedConnection | undefined> {
  if (!paired.relayId) return undefined;
  const { timeoutMs = 4_000, lookup } = options;
  return relocateRelay({ ...paired, relayId: paired.relayId }, { timeoutMs, lookup });
}

/**
 * Runs a request to the paired relay; if its address stopped answering, finds the relay again by id and
 * runs the request once more at its new address, which is then stored. See {@link withRelocation}. `lookup` finds
 * the relay by id (mDNS by default).
 */
export function withPairedRelay<T>(
  connection: PairedConnection,
  run: (connection: PairedConnection) => Promise<T>,
  options: { signal?: AbortSignal; canRetry?: () => boolean; lookup?: RelayLookup } = {},
): Promise<T> {
  const { lookup, ...rest } = options;
  return withRelocation(connection, run, {
    ...rest,
    relocate: (paired) => relocatePairedRelay(paired, { lookup }),
    save: savePairedRelay,
  });
}

/**
 * The paired relay at an address a person typed (it moved, and this network hides its announcements): its pinned
 * certificate, checked in a `GET /health`, proves it is the same relay, so no new pairing is needed. Stored once it
 * answered there; a certificate refused or no answer throws, and nothing is stored.
 */
export async function confirmPairedRelayAt(paired: PairedConnection, address: string): Promise<PairedConnection> {
  const moved = { ...paired, address: parseRelayAddress(address, "https").origin };
  await checkRelayHealth(moved);
  await savePairedRelay(moved);
  return moved;
}

/** The user's OpenAI key from the preferences. */
export function getApiKey(): string {
  return getPreferenceValues<Preferences>().apiKey;
}

/** A stored pairing, or undefined when it is missing a part needed to reach the relay safely. */
function parsePairedRelay(text: string): PairedConnection | undefined {
  try {
    const value = JSON.parse(text) as Partial<PairedConnection>;
    if (typeof value.address !== "string" || !value.address || value.scheme !== "https") return undefined;
    if (typeof value.certificatePem !== "string" || typeof value.deviceToken !== "string") return undefined;
    return {
      address: value.address,
      scheme: "https",
      certificatePem: value.certificatePem,
      fingerprint256: typeof value.fingerprint256 === "string" ? value.fingerprint256 : undefined,
      deviceToken: value.deviceToken,
      relayId: typeof value.relayId === "string" ? value.relayId : undefined,
    };
  } catch {
    return undefined;
  }
}
