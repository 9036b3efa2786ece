import { networkInterfaces } from "node:os";

/** A LAN address of this machine, as another machine on the network would type it. */
export interface LanAddress {
  interfaceName: string;
  address: string;
  family: "IPv4" | "IPv6";
}

/**
 * The addresses at which other machines can reach this one: IPv4 first (what people type),
 * then global IPv6; loopback and link-local addresses are left out.
 */
export function lanAddresses(interfaces = networkInterfaces()): LanAddress[] {
  const found: LanAddress[] = [];
  for (const [interfaceName, entries] of Object.entries(interfaces)) {
    for (const entry of entries ?? []) {
      if (entry.internal) continue;
      if (entry.family === "IPv6" && (entry.address.startsWith("fe80") || entry.scopeid)) continue;
      found.push({ interfaceName, address: entry.address, family: entry.family });
    }
  }
  return found.sort((a, b) => (a.family === b.family ? 0 : a.family === "IPv4" ? -1 : 1));
}

/** `host:port` as typed in the extension's preferences (IPv6 in brackets). */
export function hostPort(address: string, port: number): string {
  return address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
}
