import { getPreferenceValues, LocalStorage } from "@raycast/api";
import { relocateRelay } from "./discovery";
import type { RelayConnection } from "./relay-client";

/** LocalStorage key where pairing stores the paired relay (a JSON {@link RelayConnection}). */
export const PAIRED_RELAY_KEY = "paired-relay";

/** The one place that decides which relay the extension talks to: the paired one, else the typed address. */
export async function getRelayConnection(): Promise<RelayConnection> {
  const stored = await LocalStorage.getItem<string>(PAIRED_RELAY_KEY);
  if (typeof stored === "string") {
    const paired = parsePairedRelay(stored);
    if (paired) return paired;
  }
  const { relayAddress } = getPreferenceValues<Preferences>();
  return { address: relayAddress ?? "", scheme: "http" };
}

/** Stores the relay that pairing agreed on; {@link getRelayConnection} prefers it from then on. */
export async function savePairedRelay(connection: RelayConnection): Promise<void> {
  await LocalStorage.setItem(PAIRED_RELAY_KEY, JSON.stringify(connection));
}

/**
 * When the paired relay stops answering at its stored address (the PC changed network), finds it
 * again on mDNS by its id and stores the new address. The pinned certificate still guards it.
 * Undefined when nothing is paired or the relay is not found.
 */
export async function relocatePairedRelay(timeoutMs = 4_000): Promise<RelayConnection | undefined> {
  const stored = await LocalStorage.getItem<string>(PAIRED_RELAY_KEY);
  if (typeof stored !== "string") return undefined;
  let paired: RelayConnection & { relayId?: unknown };
  try {
    paired = JSON.parse(stored) as RelayConnection & { relayId?: unknown };
  } catch {
    return undefined;
  }
  if (typeof paired.relayId !== "string") return undefined;
  const moved = await relocateRelay({ ...paired, relayId: paired.relayId }, { timeoutMs });
  if (!moved) return undefined;
  await LocalStorage.setItem(PAIRED_RELAY_KEY, JSON.stringify(moved));
  return parsePairedRelay(JSON.stringify(moved));
}

/** Forgets the paired relay; the typed address is used again. */
export async function forgetPairedRelay(): Promise<void> {
  await LocalStorage.removeItem(PAIRED_RELAY_KEY);
}

/** The user's OpenAI key from the preferences. */
export function getApiKey(): string {
  return getPreferenceValues<Preferences>().apiKey;
}

function parsePairedRelay(text: string): RelayConnection | undefined {
  try {
    const value = JSON.parse(text) as Partial<RelayConnection>;
    if (typeof value.address !== "string" || (value.scheme !== "http" && value.scheme !== "https")) return undefined;
    return {
      address: value.address,
      scheme: value.scheme,
      certificatePem: typeof value.certificatePem === "string" ? value.certificatePem : undefined,
      fingerprint256: typeof value.fingerprint256 === "string" ? value.fingerprint256 : undefined,
      deviceToken: typeof value.deviceToken === "string" ? value.deviceToken : undefined,
    };
  } catch {
    return undefined;
  }
}
