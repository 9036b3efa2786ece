/** This PC's addresses as another machine on the Wi-Fi reaches them (virtual adapters, VPNs, link-local left out). */
import { createSocket } from "node:dgram";
import { connect } from "node:net";
import { networkInterfaces, type NetworkInterfaceInfo } from "node:os";
import type { AnnouncedNetwork } from "./mdns.js";

/** A LAN address of this machine, as another machine on the network would type it. */
export interface LanAddress {
  interfaceName: string;
  address: string;
  family: "IPv4" | "IPv6";
}

type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i;

/** Whether a listen host (or a relay's runtime host) is loopback only: nobody else can reach it. */
export const isLoopbackHost = (host: string): boolean => LOOPBACK.test(host);

/**
 * Adapters another machine on the Wi-Fi cannot reach this PC through: virtual switches (WSL, Hyper-V,
 * Docker, VMware, VirtualBox), VPN tunnels and Bluetooth PAN. Matched on the name Windows, macOS or
 * Linux gives the adapter; a VPN with a plain name ("Ethernet 2") is ranked after the default route instead.
 */
const VIRTUAL_ADAPTER =
  /vEthernet|Hyper-V|\bWSL\b|VMware|VirtualBox|\bVBox|\bvmnet|TAP-|\bTAP\b|\btap\d|\btun\d|\butun\d|WireGuard|\bwg\d|Tailscale|ZeroTier|\bzt[0-9a-z]{6,}|OpenVPN|AnyConnect|Cisco|NordLynx|ProtonVPN|Mullvad|Fortinet|GlobalProtect|PANGP|Hamachi|Radmin|Bluetooth|\bbnep\d|docker|\bbr-|\bveth|\bvirbr|\bbridge\d|\bawdl\d|\bllw\d|\banpi\d|\bipsec/i;

/** 169.254.0.0/16 and fe80::/10: valid on one link only, never what a person should type. */
function isLinkLocal(entry: NetworkInterfaceInfo): boolean {
  if (entry.family === "IPv4") return entry.address.startsWith("169.254.");
  return /^fe[89ab]/i.test(entry.address) || !!entry.scopeid;
}

/** Whether an adapter, by its name and address, is one the Mac can reach this PC through. */
export function isLanInterface(name: string, entry: NetworkInterfaceInfo): boolean {
  if (entry.internal || LOOPBACK.test(entry.address) || isLinkLocal(entry)) return false;
  if (VIRTUAL_ADAPTER.test(name)) return false;
  // A /32 is a point-to-point tunnel (WireGuard, most VPN clients): nobody else is on that network.
  // Tailscale's 100.64.0.0/10 is matched by name and /32, not by range: some campus networks use it as their LAN.
  return !(entry.family === "IPv4" && entry.netmask === "255.255.255.255");
}

/**
 * The addresses at which other machines on the local network can reach this one: the interface of the
 * default route first (`preferred`, see {@link defaultRouteAddress}), IPv4 before IPv6 (what people
 * type); loopback, link-local, virtual, VPN and Bluetooth adapters are left out.
 */
export function lanAddresses(interfaces: Interfaces = networkInterfaces(), preferred?: string): LanAddress[] {
  const found: Array<LanAddress & { rank: number }> = [];
  const preferredInterface = Object.entries(interfaces).find(([, entries]) =>
    entries?.some((e) => e.address === preferred),
  )?.[0];
  for (const [interfaceName, entries] of Object.entries(interfaces)) {
    for (const entry of entries ?? []) {
      if (!isLanInterface(interfaceName, entry)) continue;
      const rank =
        (entry.family === "IPv4" ? 0 : 4) +
        (entry.address === preferred ? 0 : interfaceName === preferredInterface ? 1 : 2);
      found.push({ interfaceName, address: entry.address, family: entry.family, rank });
    }
  }
  return found.sort((a, b) => a.rank - b.rank).map(({ rank: _rank, ...address }) => address);
}

const ANY = new Set(["0.0.0.0", "::", "*", ""]);

/**
 * Where a relay listening on `listenHost` can be reached, best first, for the banner and `pair --cli`:
 * the host itself when it is one address (127.0.0.1 when the relay listens on loopback only), else the
 * LAN addresses (IPv4 only when it listens on 0.0.0.0). Empty when the PC has no network yet.
 */
export function reachableAddresses(
  listenHost: string | undefined,
  interfaces: Interfaces = networkInterfaces(),
  preferred?: string,
): string[] {
  if (listenHost !== undefined && LOOPBACK.test(listenHost)) {
    return [listenHost.toLowerCase() === "localhost" ? "127.0.0.1" : listenHost];
  }
  if (listenHost !== undefined && !ANY.has(listenHost)) return [listenHost];
  const ipv4Only = listenHost === "0.0.0.0";
  return lanAddresses(interfaces, preferred)
    .filter((a) => !ipv4Only || a.family === "IPv4")
    .map((a) => a.address);
}

/**
 * The local IPv4 address of the interface that holds the default route, or undefined without one.
 * Found by `connect()`ing a UDP socket to a public address: that only picks a route, no packet is sent.
 */
export function defaultRouteAddress(probe = "192.0.2.1"): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket("udp4");
    const done = (address: string | undefined) => {
      socket.close();
      resolve(address && address !== "0.0.0.0" ? address : undefined);
    };
    socket.once("error", () => done(undefined));
    socket.connect(53, probe, () => {
      try {
        done(socket.address().address);
      } catch {
        done(undefined);
      }
    });
  });
}

/** `host:port` as typed in the extension's preferences (IPv6 in brackets). */
export function hostPort(address: string, port: number): string {
  return address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
}

/** Whether something accepts TCP connections at `address:port` (within `timeoutMs`). */
export function acceptsConnections(address: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port, timeout: timeoutMs });
    const done = (ok: boolean) => (socket.destroy(), resolve(ok));
    socket.once("connect", () => done(true));
    socket.once("timeout", () => done(false));
    socket.once("error", () => done(false));
  });
}

/**
 * The one address to give a script for the relay on this PC: the running relay's own listen address when
 * it has one, else the best LAN address if the relay answers there, else 127.0.0.1 (it listens on
 * loopback only, or the PC has no network). `host` is what relay.json says (127.0.0.1 for "everywhere").
 */
export async function addressForScripts(
  running: { host: string; port: number } | undefined,
  interfaces: Interfaces = networkInterfaces(),
  preferred?: string,
  probe = acceptsConnections,
): Promise<string> {
  if (running && !LOOPBACK.test(running.host)) return running.host;
  const lan = reachableAddresses(undefined, interfaces, preferred ?? (await defaultRouteAddress()))[0];
  if (!lan) return "127.0.0.1";
  if (!running) return lan;
  return (await probe(lan, running.port)) ? lan : "127.0.0.1";
}

/** Where the relay can be reached now, and the LAN networks to announce it on (none when it listens on loopback). */
export async function currentNetworks(
  listenHost: string | undefined,
  interfaces = networkInterfaces(),
  preferred?: string,
): Promise<{ addresses: string[]; networks: AnnouncedNetwork[] }> {
  preferred ??= await defaultRouteAddress();
  const addresses = reachableAddresses(listenHost, interfaces, preferred);
  const lan = lanAddresses(interfaces, preferred).filter((a) => addresses.includes(a.address));
  const networks: AnnouncedNetwork[] = [];
  for (const name of new Set(lan.map((a) => a.interfaceName))) {
    const own = lan.filter((a) => a.interfaceName === name);
    const ipv4 = own.find((a) => a.family === "IPv4");
    // multicast-dns sends IPv4 multicast from an interface's IPv4 address.
    if (ipv4) networks.push({ interface: ipv4.address, addresses: own.map((a) => a.address) });
  }
  return { addresses, networks };
}
