import { once } from "node:events";
import { createServer, type AddressInfo } from "node:net";
import type { NetworkInterfaceInfo } from "node:os";
import { describe, expect, it } from "vitest";
import {
  acceptsConnections,
  addressForScripts,
  defaultRouteAddress,
  hostPort,
  lanAddresses,
  reachableAddresses,
} from "../../src/network/addresses.js";

const v4 = (address: string, netmask = "255.255.255.0", internal = false): NetworkInterfaceInfo => ({
  address,
  netmask,
  family: "IPv4",
  mac: "3c:22:fb:00:00:01",
  internal,
  cidr: `${address}/24`,
});
const v6 = (address: string, scopeid = 0): NetworkInterfaceInfo => ({
  address,
  netmask: "ffff:ffff:ffff:ffff::",
  family: "IPv6",
  mac: "3c:22:fb:00:00:01",
  internal: false,
  cidr: `${address}/64`,
  scopeid,
});

/** `os.networkInterfaces()` of a Windows 11 laptop: Wi-Fi, WSL, Hyper-V, a VPN, Bluetooth PAN, VMware, VirtualBox. */
const windowsLaptop = {
  "vEthernet (WSL (Hyper-V firewall))": [v6("fe80::8f1:5ab:2c3d:1", 41), v4("172.29.176.1", "255.255.240.0")],
  "vEthernet (Default Switch)": [v4("172.20.32.1", "255.255.240.0")],
  "VMware Network Adapter VMnet8": [v4("192.168.133.1")],
  "VirtualBox Host-Only Network": [v4("192.168.56.1")],
  NordLynx: [v4("10.5.0.2", "255.255.255.255")],
  Tailscale: [v4("100.101.102.103", "255.255.255.255"), v6("fd7a:115c:a1e0::1")],
  "Connexion réseau Bluetooth": [v4("169.254.12.40", "255.255.0.0")],
  "Bluetooth Network Connection 2": [v4("192.168.44.2")],
  "OpenVPN Data Channel Offload": [v4("10.8.0.6")],
  "Ethernet 3": [v4("169.254.200.1", "255.255.0.0")],
  "Wi-Fi": [v6("2a01:cb00:1:2::1234"), v6("fe80::1c2d:3e4f:5a6b:7c8d", 12), v4("192.168.1.23")],
  "Loopback Pseudo-Interface 1": [v6("::1"), v4("127.0.0.1", "255.0.0.0", true)],
};

/** A Mac on the same Wi-Fi with Docker, AirDrop and an iCloud Private Relay tunnel. */
const mac = {
  lo0: [v4("127.0.0.1", "255.0.0.0", true)],
  en0: [v6("fe80::4a1:9b2c:3d4e:5f60", 14), v4("192.168.1.40")],
  awdl0: [v6("fe80::b0c1:d2ff:fee3:f405", 11)],
  utun3: [v6("fe80::ce81:b1c:bd2c:69e", 16)],
  bridge100: [v4("192.168.64.1")],
};

/** A Linux PC wired and on Wi-Fi, with Docker and a WireGuard tunnel. */
const linux = {
  lo: [v4("127.0.0.1", "255.0.0.0", true)],
  enp3s0: [v4("10.0.0.12")],
  wlp2s0: [v4("192.168.1.50")],
  docker0: [v4("172.17.0.1", "255.255.0.0")],
  "br-1c2d3e4f5a6b": [v4("172.18.0.1", "255.255.0.0")],
  veth1a2b3c4: [v6("fe80::1", 7)],
  wg0: [v4("10.66.0.2")],
};

describe("the addresses a Mac can reach the relay at", () => {
  it("keep only the Windows PC's Wi-Fi: no WSL, Hyper-V, VMware, VirtualBox, VPN, Bluetooth or link-local", () => {
    expect(lanAddresses(windowsLaptop)).toEqual([
      { interfaceName: "Wi-Fi", address: "192.168.1.23", family: "IPv4" },
      { interfaceName: "Wi-Fi", address: "2a01:cb00:1:2::1234", family: "IPv6" },
    ]);
  });

  it("put the default route's interface first, then other LAN adapters", () => {
    const wired = { ...linux };
    expect(lanAddresses(wired).map((a) => a.address)).toEqual(["10.0.0.12", "192.168.1.50"]);
    expect(lanAddresses(wired, "192.168.1.50").map((a) => a.address)).toEqual(["192.168.1.50", "10.0.0.12"]);
  });

  it("keep a campus Wi-Fi numbered in 100.64.0.0/10 (only Tailscale's adapter is left out)", () => {
    const campus = { "Wi-Fi": [v4("100.70.3.4", "255.255.0.0")], Tailscale: windowsLaptop.Tailscale };
    expect(lanAddresses(campus).map((a) => a.address)).toEqual(["100.70.3.4"]);
  });

  it("keep a Mac's en0 and leave out AirDrop, tunnels and bridges", () => {
    expect(lanAddresses(mac).map((a) => `${a.interfaceName} ${a.address}`)).toEqual(["en0 192.168.1.40"]);
  });

  it("name the listen address itself when the relay listens on one address", () => {
    expect(reachableAddresses("127.0.0.1", windowsLaptop)).toEqual(["127.0.0.1"]);
    expect(reachableAddresses("localhost", windowsLaptop)).toEqual(["127.0.0.1"]);
    expect(reachableAddresses("::1", windowsLaptop)).toEqual(["::1"]);
    expect(reachableAddresses("192.168.1.23", windowsLaptop)).toEqual(["192.168.1.23"]);
  });

  it("name the LAN addresses when the relay listens everywhere (IPv4 only on 0.0.0.0)", () => {
    expect(reachableAddresses(undefined, windowsLaptop, "192.168.1.23")).toEqual([
      "192.168.1.23",
      "2a01:cb00:1:2::1234",
    ]);
    expect(reachableAddresses("0.0.0.0", windowsLaptop)).toEqual(["192.168.1.23"]);
    expect(reachableAddresses(undefined, { lo: linux.lo, docker0: linux.docker0 })).toEqual([]);
  });

  it("find the default route's local address without sending anything, or nothing when there is no route", async () => {
    const found = await defaultRouteAddress();
    // This machine may have no default route; when it has one, the address is one of its own.
    if (found) {
      const own = Object.values((await import("node:os")).networkInterfaces()).flatMap((e) =>
        (e ?? []).map((x) => x.address),
      );
      expect(own).toContain(found);
    }
    expect(await defaultRouteAddress("127.0.0.1")).toBe("127.0.0.1");
  });

  it("write IPv6 in brackets", () => {
    expect(hostPort("192.168.1.23", 8787)).toBe("192.168.1.23:8787");
    expect(hostPort("2a01:cb00:1:2::1234", 8787)).toBe("[2a01:cb00:1:2::1234]:8787");
  });
});

describe("the address `pair --cli` gives a script", () => {
  const lan = {
    "Wi-Fi": windowsLaptop["Wi-Fi"],
    "vEthernet (Default Switch)": windowsLaptop["vEthernet (Default Switch)"],
  };

  it("is the Wi-Fi address when the running relay answers there", async () => {
    const probed: string[] = [];
    const probe = async (address: string, port: number) => (probed.push(`${address}:${port}`), true);
    expect(await addressForScripts({ host: "127.0.0.1", port: 8787 }, lan, "192.168.1.23", probe)).toBe("192.168.1.23");
    expect(probed).toEqual(["192.168.1.23:8787"]);
  });

  it("is 127.0.0.1 when the relay listens on loopback only, never the vEthernet address", async () => {
    const probe = async () => false;
    expect(await addressForScripts({ host: "127.0.0.1", port: 8787 }, lan, "192.168.1.23", probe)).toBe("127.0.0.1");
  });

  it("is the relay's own address when it listens on one", async () => {
    expect(await addressForScripts({ host: "192.168.1.23", port: 8787 }, lan, undefined, async () => false)).toBe(
      "192.168.1.23",
    );
  });

  it("is the best LAN address when no relay runs yet, and 127.0.0.1 without a network", async () => {
    expect(await addressForScripts(undefined, lan, "192.168.1.23")).toBe("192.168.1.23");
    expect(await addressForScripts(undefined, { lo: linux.lo }, "10.0.0.1")).toBe("127.0.0.1");
  });

  it("probes for real: a listening port accepts, a closed one does not", async () => {
    const server = createServer().listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    expect(await acceptsConnections("127.0.0.1", port)).toBe(true);
    server.close();
    await once(server, "close");
    expect(await acceptsConnections("127.0.0.1", port)).toBe(false);
  });
});
