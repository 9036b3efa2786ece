/** What the relay prints at start, after "listening on port N". */
import type { RelayConfig } from "../config.js";
import type { Relay } from "../http/server.js";
import { hostPort } from "../network/addresses.js";

/** What the relay prints at start, after "listening on port N": who it is, where, and what to do next. */
export function startBanner(
  config: RelayConfig,
  relay: Relay,
  addresses: string[],
  typed = "npx passerelle",
): string[] {
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
      : "This PC has no network address yet (not on the Wi-Fi?): its addresses appear here as soon as it has one.",
  );
  if (config.workers > 1) lines.push(`Requests served by ${config.workers} workers (--workers).`);
  const paired = devices.list().length;
  lines.push(
    paired
      ? `${paired} paired device${paired > 1 ? "s" : ""} (\`${typed} devices\`). To pair another Mac, press p here or run \`${typed} pair\`.`
      : "Next: pair the Mac. On the Mac, run Connect to Relay in Raycast and type the code below (press p here for a new one).",
  );
  return lines;
}
