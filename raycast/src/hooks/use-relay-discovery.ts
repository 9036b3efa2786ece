import { createContext, useContext } from "react";
import { browseRelays, findRelayById, type RelayLookup } from "../relay/discovery";

/** How relays are found on the network: mDNS, unless a test provides its own lookups. */
export interface RelayDiscovery {
  /** Lists the relays announced on this network as they appear (Connect to Relay). */
  browseRelays: typeof browseRelays;
  /** Finds one relay by its id: pairing by code, and the paired relay after its address changed. */
  findRelayById: RelayLookup;
}

/** The views' way to the network's relays; a test gives its own with `RelayDiscoveryContext.Provider`. */
export const RelayDiscoveryContext = createContext<RelayDiscovery>({ browseRelays, findRelayById });

/** How this view finds relays on the network. */
export function useRelayDiscovery(): RelayDiscovery {
  return useContext(RelayDiscoveryContext);
}
