/** The relay announced on the local network (DNS-SD `_passerelle._tcp`), so a Mac finds it without an address. */
import { Bonjour } from "bonjour-service";
// bonjour-service hands these options to multicast-dns, which takes `interface` and `bind`; its types do not
// say so. Bound to every address (Linux delivers multicast only to such sockets), joined and sending on one.
const bonjourOptions = (address: string | undefined) =>
  (address ? { interface: address, bind: "0.0.0.0" } : {}) as ConstructorParameters<typeof Bonjour>[0];

// No relative imports here: the network-namespace test runs this file on its own.

/** DNS-SD service type: `_passerelle._tcp`. */
export const SERVICE_TYPE = "passerelle";

export interface Advertisement {
  stop(): Promise<void>;
}

/** One network the relay is announced on: sent from `interface`, naming `addresses` only. */
export interface AnnouncedNetwork {
  interface: string;
  addresses: string[];
}

export interface AdvertiseOptions {
  relayId: string;
  port: number;
  version: string;
  /** Address of the interface to announce on (Windows hosts with Hyper-V or WSL adapters may pick the wrong one). */
  interface?: string | undefined;
  /**
   * The LAN networks to announce on, each by its IPv4 address, with the addresses to give there: the
   * default is whichever interface the system picks, with every address of the machine.
   */
  networks?: AnnouncedNetwork[] | undefined;
  onError?: (error: Error) => void;
}

/**
 * Announces the relay on the local network as `_passerelle._tcp` with TXT `id=<relay id>` and
 * `v=<version>`. The announcement only helps a Mac find the relay; the Mac trusts its certificate, never this.
 */
export function advertiseRelay(options: AdvertiseOptions): Advertisement {
  const fail = (error: unknown) => options.onError?.(error instanceof Error ? error : new Error(String(error)));
  const networks: Array<AnnouncedNetwork | undefined> = options.interface
    ? [{ interface: options.interface, addresses: [options.interface] }]
    : options.networks?.length
      ? options.networks
      : [undefined];
  const announcers = networks.map((network) => {
    const bonjour = new Bonjour(bonjourOptions(network?.interface), fail);
    const service = bonjour.publish({
      name: `Passerelle ${options.relayId}`,
      type: SERVICE_TYPE,
      protocol: "tcp",
      port: options.port,
      txt: { id: options.relayId, v: options.version },
    });
    if (network) {
      // bonjour-service names every address of the machine (vEthernet, VPN…): keep this network's own.
      const allRecords = service.records.bind(service);
      const keep = new Set(network.addresses);
      service.records = () =>
        allRecords().filter((r) => (r.type !== "A" && r.type !== "AAAA") || keep.has(String(r.data)));
    }
    service.on("error", fail);
    return bonjour;
  });
  return {
    stop: () =>
      Promise.all(
        announcers.map(
          (bonjour) =>
            new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, 300);
              bonjour.unpublishAll(() => bonjour.destroy(() => (clearTimeout(timer), resolve())));
            }),
        ),
      ).then(() => undefined),
  };
}
