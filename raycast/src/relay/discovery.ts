import { Bonjour, type Service } from "bonjour-service";
// bonjour-service hands these options to multicast-dns, which takes `interface`; its types do not say so.
const bonjourOptions = (address: string | undefined) =>
  (address ? { interface: address } : {}) as ConstructorParameters<typeof Bonjour>[0];

// No relative imports here: the relay's network-namespace test runs this file on its own.

/** A relay announced on the local network. Found, not trusted: the pin and the token do that. */
export interface DiscoveredRelay {
  relayId: string;
  /** Service name, e.g. `Passerelle 008j4ct4ank7`. */
  name: string;
  /** `host:port` to connect to (IPv6 in brackets). */
  address: string;
  /** The relay's version, from its announcement. */
  version?: string;
}

export interface BrowseOptions {
  /** Ask again this often: an announcement made before browsing started can be missed. */
  requeryMs?: number;
  /** Interface address to browse on (machines with several adapters). */
  interface?: string;
}

function toRelay(service: Service): DiscoveredRelay | undefined {
  const txt = (service.txt ?? {}) as Record<string, unknown>;
  const relayId = typeof txt.id === "string" ? txt.id.toLowerCase() : undefined;
  if (!relayId || !/^[0-9a-z]{6,32}$/.test(relayId)) return undefined;
  const addresses = service.addresses ?? [];
  // The address the announcement came from answers on this network; else the first IPv4.
  const from = service.referer?.address;
  const host =
    (from && addresses.includes(from) ? from : undefined) ??
    addresses.find((a) => !a.includes(":")) ??
    addresses[0] ??
    from;
  if (!host) return undefined;
  const address = host.includes(":") ? `[${host}]:${service.port}` : `${host}:${service.port}`;
  return { relayId, name: service.name, address, version: typeof txt.v === "string" ? txt.v : undefined };
}

/**
 * Browses `_passerelle._tcp` and calls `onChange` with every relay found so far (one per id).
 * Returns a function that stops browsing.
 */
export function browseRelays(onChange: (relays: DiscoveredRelay[]) => void, options: BrowseOptions = {}): () => void {
  const bonjour = new Bonjour(bonjourOptions(options.interface));
  const found = new Map<string, DiscoveredRelay>();
  const update = (service: Service) => {
    const relay = toRelay(service);
    if (!relay) return;
    found.set(relay.relayId, relay);
    onChange([...found.values()]);
  };
  const browser = bonjour.find({ type: "passerelle", protocol: "tcp" }, update);
  browser.on("srv-update", update);
  browser.on("txt-update", update);
  const timer = setInterval(() => browser.update(), options.requeryMs ?? 2_000);
  return () => {
    clearInterval(timer);
    browser.stop();
    bonjour.destroy();
  };
}

/** Looks for the relay with this id (its address may have changed); undefined when not found in time. */
export function findRelayById(
  relayId: string,
  options: BrowseOptions & { timeoutMs?: number } = {},
): Promise<DiscoveredRelay | undefined> {
  const wanted = relayId.toLowerCase();
  return new Promise((resolve) => {
    let stop: () => void = () => undefined;
    const timer = setTimeout(() => finish(undefined), options.timeoutMs ?? 5_000);
    const finish = (relay: DiscoveredRelay | undefined) => {
      clearTimeout(timer);
      stop();
      resolve(relay);
    };
    stop = browseRelays(
      (relays) => {
        const relay = relays.find((r) => r.relayId === wanted);
        if (relay) finish(relay);
      },
      { requeryMs: 1_000, ...options },
    );
  });
}

/** How a relay is looked up by id on the network (mDNS by default; tests pass their own). */
export type RelayLookup = (
  relayId: string,
  options: BrowseOptions & { timeoutMs?: number },
) => Promise<DiscoveredRelay | undefined>;

/**
 * The paired relay at its current address: when the stored address stops answering, look the relay
 * up again by id. Undefined when it is not found. The pinned certificate still guards the new address.
 */
export async function relocateRelay<T extends { relayId: string; address: string }>(
  paired: T,
  options: BrowseOptions & { timeoutMs?: number; lookup?: RelayLookup } = {},
): Promise<T | undefined> {
  const { lookup = findRelayById, ...browse } = options;
  const found = await lookup(paired.relayId, browse);
  return found ? { ...paired, address: `https://${found.address}` } : undefined;
}
