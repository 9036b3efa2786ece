import { Bonjour } from "bonjour-service";
// bonjour-service hands these options to multicast-dns, which takes `interface`; its types do not say so.
const bonjourOptions = (address: string | undefined) =>
  (address ? { interface: address } : {}) as ConstructorParameters<typeof Bonjour>[0];

// No relative imports here: the network-namespace test runs this file on its own.

/** DNS-SD service type: `_passerelle._tcp`. */
export const SERVICE_TYPE = "passerelle";

export interface Advertisement {
  stop(): Promise<void>;
}

export interface AdvertiseOptions {
  relayId: string;
  port: number;
  version: string;
  /** Address of the interface to announce on (Windows hosts with Hyper-V or WSL adapters may pick the wrong one). */
  interface?: string | undefined;
  onError?: (error: Error) => void;
}

/**
 * Announces the relay on the local network as `_passerelle._tcp` with TXT `id=<relay id>` and
 * `v=<version>`. The announcement only helps a Mac find the relay; the Mac trusts its certificate, never this.
 */
export function advertiseRelay(options: AdvertiseOptions): Advertisement {
  const fail = (error: unknown) => options.onError?.(error instanceof Error ? error : new Error(String(error)));
  const bonjour = new Bonjour(bonjourOptions(options.interface), fail);
  const service = bonjour.publish({
    name: `Passerelle ${options.relayId}`,
    type: SERVICE_TYPE,
    protocol: "tcp",
    port: options.port,
    txt: { id: options.relayId, v: options.version },
  });
  service.on("error", fail);
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 300);
        bonjour.unpublishAll(() => bonjour.destroy(() => (clearTimeout(timer), resolve())));
      }),
  };
}
