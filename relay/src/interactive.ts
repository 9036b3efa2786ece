import { hostPort, lanAddresses } from "./addresses.js";
import { pairingInstructions } from "./commands/pair.js";
import type { RelayConfig } from "./config.js";
import type { Advertisement } from "./mdns.js";
import type { RunningRelay } from "./server.js";
import { version } from "./version.js";

/** What the relay prints at start, after "listening on port N": who it is, where, and what to do next. */
export function startBanner(config: RelayConfig, relay: RunningRelay, addresses: string[]): string[] {
  const { identity, devices } = relay.security;
  const lines: string[] = [];
  if (config.insecureHttp) {
    lines.push(
      "WARNING: plain HTTP (--insecure-http): keys and tokens cross the network unencrypted. For development on this PC only.",
    );
  }
  lines.push(
    `Relay id ${identity.relayId} (certificate ${identity.fingerprint256.slice(0, 23)}…)${config.mdns ? `, announced on the network as "Passerelle ${identity.relayId}"` : ""}.`,
  );
  lines.push(
    addresses.length
      ? `Addresses: ${addresses.map((a) => hostPort(a, relay.port)).join(", ")}`
      : "This PC has no network address yet: connect it to the Wi-Fi, then restart the relay.",
  );
  const paired = devices.list().length;
  lines.push(
    paired
      ? `${paired} paired device${paired > 1 ? "s" : ""} (\`passerelle devices\`). To pair another Mac, press p here or run \`npx passerelle pair\`.`
      : "Next: pair the Mac. Press p here (or run `npx passerelle pair` in another terminal), then on the Mac run Connect to Relay in Raycast and type the code.",
  );
  if (process.platform === "win32") {
    lines.push(
      "If the Mac cannot reach this PC, run `npx passerelle setup` once (firewall rule, Public Wi-Fi included).",
    );
  }
  return lines;
}

/** The running relay's companions: its mDNS announcement, the p key, messages about pairing. */
export interface RelayExtras {
  stop(): Promise<void>;
}

export function startExtras(config: RelayConfig, relay: RunningRelay, print: (line: string) => void): RelayExtras {
  relay.security.notify = (event) => {
    if (event.type === "paired") print(`Paired: "${event.name}" can now use this relay.`);
  };

  // Announce, and announce again from the new address when the PC's addresses change (another Wi-Fi, a new lease).
  let advertisement: Advertisement | undefined;
  let announced = "";
  let stopped = false;
  const announce = () => {
    const now = lanAddresses()
      .map((a) => a.address)
      .join(",");
    if (now === announced) return;
    announced = now;
    const previous = advertisement;
    advertisement = undefined;
    // bonjour-service is loaded only when the relay announces itself (~8 MB of memory otherwise unused).
    void Promise.all([import("./mdns.js"), previous?.stop()]).then(([{ advertiseRelay }]) => {
      if (stopped) return;
      advertisement = advertiseRelay({
        relayId: relay.security.identity.relayId,
        port: relay.port,
        version,
        interface: config.mdnsInterface,
        onError: (error) =>
          print(`mDNS announcement failed (${error.name}); the Mac can still type this PC's address.`),
      });
    });
  };
  const timer = config.mdns ? setInterval(announce, 15_000) : undefined;
  timer?.unref();
  if (config.mdns) announce();

  const stdin = process.stdin;
  const onKey = (data: Buffer) => {
    const key = data.toString("utf8");
    if (key === "\u0003") process.kill(process.pid, "SIGINT"); // raw mode swallows Ctrl+C
    if (key === "p" || key === "P") {
      const opened = relay.security.pairing.open();
      print(pairingInstructions(opened.code, opened.expiresAt, opened.maxTries));
    }
  };
  if (stdin.isTTY) {
    stdin.setRawMode(true);
    stdin.on("data", onKey);
    stdin.resume();
  }

  return {
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      if (stdin.isTTY) {
        stdin.off("data", onKey);
        stdin.setRawMode(false);
        stdin.pause();
      }
      await advertisement?.stop();
    },
  };
}
