/** The running relay's companions in its window: the mDNS announcement, the keys typed, the firewall offer. */
import { rmSync } from "node:fs";
import { currentNetworks, hostPort, isLoopbackHost } from "../network/addresses.js";
import { pairingNotices } from "./pairing-notices.js";
import { wrapText } from "./wrap.js";
import { setUpThisPc } from "../commands/setup.js";
import type { SetupEnvironment } from "../commands/setup-environment.js";
import { installedProgramPath, samePath } from "../commands/install.js";
import type { RelayConfig } from "../config.js";
import { listenForKeys, type KeyInput } from "./keys.js";
import type { Advertisement } from "../network/mdns.js";
import { damageNotice } from "../state/devices.js";
import { roamingHomeLeft, roamingHomeNotice } from "../state/home.js";
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
  /** Stops this relay and starts `program` in its place (setup installed it elsewhere). */
  restartFrom?: (program: string) => void;
  /** The addresses the window showed at start: a change is said (none: not watched). */
  addresses?: string[];
  /** Where the relay's folders are looked for, on which system (this process's by default). */
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}

export function startExtras(
  config: RelayConfig,
  relay: Relay,
  print: (line: string) => void,
  options: ExtrasOptions,
): RelayExtras {
  const said = print;
  print = (text) => said(wrapText(text));
  const input = options.input ?? process.stdin;
  const keys = input.isTTY === true;
  const typed = options.typed ?? "npx passerelle";
  // From here on, every pairing code opened (here or from another terminal) is shown, and its end said.
  relay.security.notify = pairingNotices(
    print,
    keys ? "Press p here for a new one." : `Run \`${typed} pair\` for a new one.`,
  );
  // Nobody else can reach a relay that listens on loopback: nothing to announce, no firewall to open.
  const loopbackOnly = config.host !== undefined && isLoopbackHost(config.host);
  const announcer = config.mdns && !loopbackOnly ? announceOnNetworks(config, relay, print) : undefined;
  const addresses = options.addresses
    ? watchAddresses(relay.port, print, options.addresses, async () => (await currentNetworks(config.host)).addresses)
    : undefined;
  const firewall = offerFirewall(relay.port, print, options, keys, loopbackOnly);
  const releaseKeys = listenForKeys(input, {
    stop: options.stop,
    pair: () => openPairing(relay, print, typed),
    firewall: firewall.press,
    removeRoaming: offerRoamingRemoval(print, keys, options.env ?? process.env, options.platform),
  });
  return {
    async stop() {
      firewall.stop();
      addresses?.stop();
      releaseKeys();
      await announcer?.stop();
    },
  };
}

/**
 * p: a new pairing code (shown by the pairing notices), unless the list of devices is damaged (a code
 * would be refused: the person chooses first).
 */
function openPairing(relay: Relay, print: (line: string) => void, typed: string): void {
  const { devices, pairing } = relay.security;
  const { damage } = devices.status();
  if (damage) return print(damageNotice(damage, devices.path, typed));
  pairing.open();
}

/**
 * Says so when an older relay folder is left in the roaming profile, and removes it on r (or says the
 * PowerShell line that does, without a keyboard). Returns what r does.
 */
function offerRoamingRemoval(
  print: (line: string) => void,
  keys: boolean,
  env: NodeJS.ProcessEnv,
  platform = process.platform,
) {
  const folder = roamingHomeLeft(env, platform);
  if (!folder) return undefined;
  const command = `Remove-Item -Recurse -Force '${folder.replace(/'/g, "''")}'`;
  print(roamingHomeNotice(folder, keys ? "Press r to remove it." : `Remove it in PowerShell:\n  ${command}`));
  let removed = false;
  return () => {
    if (removed) return;
    try {
      rmSync(folder, { recursive: true, force: true });
      removed = true;
      print(`Removed ${folder}.`);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "error";
      print(
        `Could not remove ${folder} (${code}): close what uses it, then press r again, or run in PowerShell:\n  ${command}`,
      );
    }
  };
}

/** How often the PC's addresses are looked at: a PC at logon may join the Wi-Fi a minute later (802.1X). */
const ADDRESS_CHECK_MS = 5_000;

/**
 * Says the addresses the Mac can reach whenever they change: a PC started before its network was up gets
 * them as soon as it joins, without restarting the relay. `shown` is what the window said at start.
 */
export function watchAddresses(
  port: number,
  print: (line: string) => void,
  shown: string[],
  lookup: () => Promise<string[]>,
  everyMs = ADDRESS_CHECK_MS,
): { stop(): void } {
  let last = JSON.stringify(shown);
  const look = async () => {
    const addresses = await lookup();
    const now = JSON.stringify(addresses);
    if (now === last) return;
    last = now;
    print(
      addresses.length
        ? `Addresses: ${addresses.map((a) => hostPort(a, port)).join(", ")}`
        : "This PC has no network address any more: the Mac cannot reach it until it is back on the Wi-Fi.",
    );
  };
  const timer = setInterval(() => void look().catch(() => undefined), everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
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
 * missing, and offers the fix (f, through the UAC prompt). A passerelle.exe run from anywhere but where
 * setup installs it (Downloads, a USB stick) offers setup too: once installed there, the firewall rule and
 * the logon task keep working wherever this file goes, and the relay restarts from the installed copy.
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
    void firewallOffer(firewall, port, keys, options.typed).then((offer) => {
      if (!offer || stopped) return;
      offered = true;
      print(offer);
    });
  }
  const press = () => {
    if (!offered || running || !firewall) return;
    running = true;
    const io = { env: firewall.env, out: (t: string) => print(t.trimEnd()), err: (t: string) => print(t.trimEnd()) };
    void setUpThisPc({ ...firewall.target, port }, io, firewall).then(({ ok, program }) => {
      running = false;
      if (!ok) return;
      offered = false;
      if (samePath(program.program, firewall.target.program) || !options.restartFrom) return;
      print(`The relay now restarts from ${program.program}, in a window of its own.`);
      options.restartFrom(program.program);
    });
  };
  return { press, stop: () => void (stopped = true) };
}

/** What the window says about setup, if anything: the firewall rule missing, or a copy not run from where setup installs it. */
async function firewallOffer(
  firewall: SetupEnvironment,
  port: number,
  keys: boolean,
  typed = "npx passerelle",
): Promise<string | undefined> {
  const { program, args } = firewall.target;
  const elsewhere = args.length === 0 && !samePath(program, installedProgramPath(firewall.env));
  const allowed = await firewall.run(firewallRuleCheckCommand(port, program, firewall.env));
  if (allowed && !elsewhere) return undefined;
  const then = keys ? "Press f to set it up (Windows asks for permission)." : `Run \`${typed} setup\` once.`;
  if (elsewhere) {
    return (
      `This passerelle.exe runs from ${program.slice(0, program.lastIndexOf("\\"))}. ${then} Setup installs it for this ` +
      `account in ${installedProgramPath(firewall.env).slice(0, -"\\passerelle.exe".length)}, allows it through ` +
      "Windows Firewall (Public Wi-Fi included), and the relay restarts from there."
    );
  }
  // Windows' own prompt may have allowed it on Private networks only, or been cancelled (a Block rule).
  return (
    "Windows Firewall has no rule for the relay yet: on a Public Wi-Fi (classrooms, cafés), or if " +
    `Windows' first prompt was cancelled, the Mac cannot connect. ${keys ? "Press f to add the rule (Windows asks for permission)." : then}`
  );
}
