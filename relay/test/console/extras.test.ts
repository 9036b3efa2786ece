import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SetupEnvironment } from "../../src/commands/setup.js";
import { loadConfig } from "../../src/config.js";
import { currentNetworks } from "../../src/network/addresses.js";
import { startExtras } from "../../src/console/extras.js";
import { display } from "../../src/windows/command-line.js";
import { startRelayUnderTest, type RelayUnderTest } from "../support/relay-under-test.js";

let relay: RelayUnderTest;
beforeAll(async () => {
  relay = await startRelayUnderTest("http://127.0.0.1:9/v1");
});
afterAll(() => relay.relay.stop(100));

const loopbackConfig = () => loadConfig(["--host", "127.0.0.1"], { PASSERELLE_HOME: relay.home });
const terminal = () => Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => undefined });
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

/** A Windows PC whose firewall has no rule for the relay until the elevated setup has run. */
function windowsPc() {
  const ran: string[] = [];
  let ruleAdded = false;
  const environment: SetupEnvironment = {
    platform: "win32",
    target: { program: "C:\\Users\\Léa\\Downloads\\passerelle.exe", args: [], port: 8787 },
    elevated: async () => false,
    run: async (command) => {
      const line = display(command);
      ran.push(line);
      if (line.includes("Start-Process")) ruleAdded = true;
      return line.includes("show rule") ? ruleAdded : true;
    },
    env: {},
    cwd: "C:\\Users\\Léa",
    writeFile: () => undefined,
    removeFile: () => undefined,
    tempDir: "C:\\Temp",
  };
  return { environment, ran };
}

describe("the relay's window on Windows", () => {
  it("says when the firewall has no rule, and f adds it through the UAC prompt for the relay's port", async () => {
    const input = terminal();
    const printed: string[] = [];
    const { environment, ran } = windowsPc();
    const config = { ...loopbackConfig(), host: undefined, mdns: false };
    const extras = startExtras(config, relay.relay, (line) => printed.push(line), {
      stop: () => printed.push("STOP"),
      input,
      firewall: environment,
    });
    await settle();
    expect(printed.join("\n")).toContain("Windows Firewall has no rule for the relay yet");
    expect(printed.join("\n")).toContain("Press f to add the rule (Windows asks for permission).");

    input.write("f");
    await settle();
    expect(ran.find((line) => line.includes("Start-Process"))).toContain(
      `-ArgumentList 'setup --firewall-only --port ${relay.relay.port}' -Verb RunAs`,
    );
    expect(printed.join("\n")).toContain("Firewall: done.");

    // Done: f no longer asks again; Ctrl+C as a key reaches the one shutdown.
    const count = ran.length;
    input.write("f\u0003");
    await settle();
    expect(ran).toHaveLength(count);
    expect(printed.at(-1)).toBe("STOP");
    await extras.stop();
  });

  it("says nothing about the firewall when the rule is there, nor on loopback", async () => {
    const printed: string[] = [];
    const { environment } = windowsPc();
    const present = { ...environment, run: async () => true };
    const extras = startExtras(
      { ...loopbackConfig(), host: undefined, mdns: false },
      relay.relay,
      (l) => printed.push(l),
      {
        stop: () => undefined,
        input: terminal(),
        firewall: present,
      },
    );
    const loopback = startExtras({ ...loopbackConfig(), mdns: false }, relay.relay, (l) => printed.push(l), {
      stop: () => undefined,
      input: terminal(),
      firewall: environment,
    });
    await settle();
    expect(printed.join("\n")).not.toContain("Firewall");
    await Promise.all([extras.stop(), loopback.stop()]);
  });
});

describe("the p key", () => {
  it("opens pairing; while the list of devices is damaged it says so and how to choose, and opens nothing", async () => {
    const damaged = await startRelayUnderTest("http://127.0.0.1:9/v1");
    const input = terminal();
    const printed: string[] = [];
    const extras = startExtras({ ...loopbackConfig(), mdns: false }, damaged.relay, (line) => printed.push(line), {
      stop: () => undefined,
      input,
    });
    try {
      input.write("p");
      await settle();
      expect(damaged.relay.security.pairing.isOpen()).toBe(true);
      expect(printed.join("\n")).not.toContain("damaged");

      writeFileSync(join(damaged.home, "devices.json"), '{"devices":[{"name":');
      const before = printed.length;
      input.write("p");
      await settle();
      const said = printed.slice(before).join("\n");
      expect(said).toContain("is damaged");
      expect(said).toContain("passerelle devices --reset");
      expect(said).not.toMatch(/[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}/);
    } finally {
      await extras.stop();
      await damaged.relay.stop(100);
    }
  });
});

describe("the networks the relay is announced on", () => {
  it("are the LAN adapters, each with its own addresses; none when it listens on loopback", async () => {
    const nic = (address: string, family: "IPv4" | "IPv6" = "IPv4") => ({
      address,
      family,
      netmask: family === "IPv4" ? "255.255.255.0" : "ffff:ffff:ffff:ffff::",
      mac: "3c:22:fb:00:00:01",
      internal: false,
      cidr: null,
      scopeid: 0,
    });
    const interfaces = {
      "vEthernet (WSL)": [nic("172.29.176.1")],
      "Wi-Fi": [nic("192.168.1.23"), nic("2a01:cb00:1:2::1234", "IPv6")],
      Ethernet: [nic("10.0.0.12")],
    } as unknown as NodeJS.Dict<import("node:os").NetworkInterfaceInfo[]>;
    expect(await currentNetworks(undefined, interfaces, "192.168.1.23")).toEqual({
      addresses: ["192.168.1.23", "10.0.0.12", "2a01:cb00:1:2::1234"],
      networks: [
        { interface: "192.168.1.23", addresses: ["192.168.1.23", "2a01:cb00:1:2::1234"] },
        { interface: "10.0.0.12", addresses: ["10.0.0.12"] },
      ],
    });
    expect(await currentNetworks("127.0.0.1", interfaces, "192.168.1.23")).toEqual({
      addresses: ["127.0.0.1"],
      networks: [],
    });
  });
});
