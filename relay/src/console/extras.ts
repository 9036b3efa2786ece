/** The running relay's companions in its window: the mDNS announcement, the keys typed, the firewall offer. */
import { currentNetworks, isLoopbackHost } from "../network/addresses.js";
import { pairingInstructions } from "./pairing-instructions.js";
import { setUpFirewall, type SetupEnvironment } from "../commands/setup.js";
import type { RelayConfig } from "../config.js";
import { listenForKeys, type KeyInput } from "./keys.js";
import type { Advertisement } from "../network/mdns.js";
import { damageNotice } from "../state/devices.js";
import type { Relay } from "../http/server.js";
import { firewallRuleCheckCommand } from "../windows/netsh.js";
import { version } from "../version.js";

/** The running relay's companions: its mDNS announcement, the keys typed in its window, messages about pairing. */
export interface RelayExtras {
  stop(): Promise<void>;
}

export interface ExtrasOptions {
  /** The relay's one shutdown (Ctrl+C typed in the window arrives here, not as a signal). */
  stop(): void;
  /** The window's keyboard (process.stdin). */
  input?: KeyInput;
  /** Windows only: checks the firewall rule, and runs setup through the UAC prompt on f. */
  firewall?: SetupEnvironment | undefined;
  /** How a person types this program's name in a terminal. */
  typed?: string;
}

export function startExtras(
  config: RelayConfig,
  relay: Relay,
  print: (line: string) => void,
  options: ExtrasOptions,
): RelayExtras {
  relay.security.notify = (event) => {
    if (event.type === "paired") print(`Paired: "${event.name}" can now use this relay.`);
  };
  // Nobody else can reach a relay that listens on loopback: nothing to announce, no firewall to open.
  const loopbackOnly = config.host !== undefined && isLoopbackHost(config.host);
  const announcer = config.mdns && !loopbackOnly ? announceOnNetworks(config, relay, print) : undefined;
  const input = options.input ?? process.stdin;
  const firewall = offerFirewall(relay.port, print, options, input.isTTY === true, loopbackOnly);
  const releaseKeys = listenForKeys(input, {
    stop: options.stop,
    pair: () => showPairingCode(relay, print),
    firewall: firewall.press,
  });
  return {
    async stop() {
      firewall.stop();
      releaseKeys();
      await announcer?.stop();
    },
  };
}

/** p: a new pairing code, unless the list of devices is damaged (a code would be refused: the person chooses first). */
function showPairingCode(relay: Relay, print: (line: string) => void): void {
  const { devices, pairing } = relay.security;
  const { damage } = devices.status();
  if (damage) return print(damageNotice(damage, devices.path));
  const opened = pairing.open();
  print(pairingInstructions(opened.code, opened.expiresAt, opened.maxTries));
}

/**
 * Announces the relay on the LAN networks, and again from the new address when they change (another Wi-Fi,
 * a new lease), every 15 s.
 */
function announceOnNetworks(config: RelayConfig, relay: Relay, print: (line: string) => void): RelayExtras {
  let advertisement: Advertisement | undefined;
  let announced = "";
  let stopped = false;
  const failed = (error: Error) =>
    print(`mDNS announcement failed (${error.name}); the Mac can still type this PC's address.`);
  const announce = async () => {
    const { networks } = await currentNetworks(config.host);
    const now = JSON.stringify(networks);
    if (now === announced || stopped) return;
    announced = now;
    const previous = advertisement;
    advertisement = undefined;
    // bonjour-service is loaded only when the relay announces itself (~8 MB of memory otherwise unused).
    const [{ advertiseRelay }] = await Promise.all([import("../network/mdns.js"), previous?.stop()]);
    // No LAN (Wi-Fi off, only WSL or a VPN): nothing worth announcing until one comes back.
    if (stopped || (!networks.length && !config.mdnsInterface)) return;
    advertisement = advertiseRelay({
      relayId: relay.security.identity.relayId,
      port: relay.port,
      version,
      interface: config.mdnsInterface,
      networks,
      onError: failed,
    });
  };
  const announceNow = () => void announce().catch(failed);
  const timer = setInterval(announceNow, 15_000);
  timer.unref();
  announceNow();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await advertisement?.stop();
    },
  };
}

/**
 * On Windows, a relay the firewall blocks looks like a relay that is not there: says so when its rule is
 * missing, and offers the fix (f, through the UAC prompt).
 */
function offerFirewall(
  port: number,
  print: (line: string) => void,
  options: ExtrasOptions,
  keys: boolean,
  loopbackOnly: boolean,
): { press(): void; stop(): void } {
  const firewall = options.firewall;
  let offered = false;
  let running = false;
  let stopped = false;
  if (firewall && firewall.platform === "win32" && !loopbackOnly) {
    void firewall.run(firewallRuleCheckCommand(port)).then((present) => {
      if (present || stopped) return;
      offered = true;
      // Windows' own prompt may have allowed it on Private networks only, or been cancelled (a Block rule).
      const why =
        "Windows Firewall has no rule for the relay yet: on a Public Wi-Fi (classrooms, cafés), or if Windows' first prompt was cancelled, the Mac cannot connect.";
      print(
        keys
          ? `${why} Press f to add the rule (Windows asks for permission).`
          : `${why} Run \`${options.typed ?? "npx passerelle"} setup\` once.`,
      );
    });
  }
  const press = () => {
    if (!offered || running || !firewall) return;
    running = true;
    const io = { env: firewall.env, out: (t: string) => print(t.trimEnd()), err: (t: string) => print(t.trimEnd()) };
    void setUpFirewall({ ...firewall.target, port }, io, firewall, false).then((ok) => {
      running = false;
      if (ok) offered = false;
    });
  };
  return { press, stop: () => void (stopped = true) };
}
