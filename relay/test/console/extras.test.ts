import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTROL_HEADER } from "../../src/auth/pairing-routes.js";
import { loadConfig } from "../../src/config.js";
import { currentNetworks } from "../../src/network/addresses.js";
import { startExtras, watchAddresses } from "../../src/console/extras.js";
import { fakePc } from "../support/fake-pc.js";
import { powerShell51Problems } from "../support/powershell.js";
import { startRelayUnderTest, type RelayUnderTest } from "../support/relay-under-test.js";

let relay: RelayUnderTest;
beforeAll(async () => {
  relay = await startRelayUnderTest("http://127.0.0.1:9/v1");
});
afterAll(() => relay.relay.stop(100));

const loopbackConfig = () => loadConfig(["--host", "127.0.0.1"], { PASSERELLE_HOME: relay.home });
const terminal = () => Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => undefined });
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

/** Where setup installs passerelle.exe on the fake PC. */
const installed = "C:\\Users\\Léa\\AppData\\Local\\Programs\\Passerelle\\passerelle.exe";

describe("the relay's window on Windows", () => {
  it("says when the firewall has no rule, and f adds it through the UAC prompt for the relay's port", async () => {
    const input = terminal();
    const printed: string[] = [];
    const pc = fakePc({ target: { program: installed, args: [], port: 8787 } });
    const config = { ...loopbackConfig(), host: undefined, mdns: false };
    const extras = startExtras(config, relay.relay, (line) => printed.push(line), {
      stop: () => printed.push("STOP"),
      input,
      firewall: pc.environment,
    });
    await settle();
    const said = printed.join("\n").replace(/\s+/g, " ");
    expect(said).toContain("Windows Firewall has no rule for the relay yet");
    expect(said).toContain("Press f to add the rule (Windows asks for permission).");

    input.write("f");
    await settle();
    expect(pc.ran.find((line) => line.includes("Start-Process"))).toContain(
      `-ArgumentList 'setup --firewall-only --port ${relay.relay.port}' -Verb RunAs`,
    );
    expect(pc.rules).toContainEqual({ name: `Passerelle relay (TCP ${relay.relay.port})`, program: installed });
    expect(printed.join("\n")).toContain("Firewall: done.");

    // Done: f no longer asks again; Ctrl+C as a key reaches the one shutdown.
    const count = pc.ran.length;
    input.write("f\u0003");
    await settle();
    expect(pc.ran).toHaveLength(count);
    expect(printed.at(-1)).toBe("STOP");
    await extras.stop();
  });

  it("run from a download, offers setup on f: installs, allows the installed copy, and restarts the relay from it", async () => {
    const input = terminal();
    const printed: string[] = [];
    const restarted: string[] = [];
    const downloaded = "C:\\Users\\Léa\\Downloads\\passerelle.exe";
    const pc = fakePc({ target: { program: downloaded, args: [], port: 8787 } });
    const extras = startExtras(
      { ...loopbackConfig(), host: undefined, mdns: false },
      relay.relay,
      (l) => printed.push(l),
      {
        stop: () => undefined,
        input,
        firewall: pc.environment,
        restartFrom: (program) => restarted.push(program),
      },
    );
    await settle();
    expect(printed.join("\n")).toContain(
      "This passerelle.exe runs from C:\\Users\\Léa\\Downloads. Press f to set it up",
    );
    input.write("f");
    await settle();
    expect(pc.programs.get(installed)).toBeDefined();
    expect(pc.rules).toContainEqual({ name: `Passerelle relay (TCP ${relay.relay.port})`, program: installed });
    expect(restarted).toEqual([installed]);
    await extras.stop();
  });

  it("says nothing about the firewall when the rule is there, nor on loopback", async () => {
    const printed: string[] = [];
    const port = relay.relay.port;
    const allowed = fakePc({
      target: { program: installed, args: [], port },
      rules: [{ name: `Passerelle relay (TCP ${port})`, program: installed }],
    });
    const missing = fakePc({ target: { program: installed, args: [], port } });
    const extras = startExtras(
      { ...loopbackConfig(), host: undefined, mdns: false },
      relay.relay,
      (l) => printed.push(l),
      { stop: () => undefined, input: terminal(), firewall: allowed.environment },
    );
    const loopback = startExtras({ ...loopbackConfig(), mdns: false }, relay.relay, (l) => printed.push(l), {
      stop: () => undefined,
      input: terminal(),
      firewall: missing.environment,
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

describe("pairing codes in the relay's window", () => {
  it("shows every new code, whoever opened it, and says when the one shown expires and which key gives a new one", async () => {
    const fresh = await startRelayUnderTest("http://127.0.0.1:9/v1", {}, { security: { pairingTtlMs: 300 } });
    const input = terminal();
    const printed: string[] = [];
    const extras = startExtras({ ...loopbackConfig(), mdns: false }, fresh.relay, (line) => printed.push(line), {
      stop: () => undefined,
      input,
    });
    const codes = () => [...printed.join("\n").matchAll(/Pairing code: +([0-9A-Z-]+)/g)].map((m) => m[1]);
    try {
      input.write("p");
      await settle();
      expect(codes()).toHaveLength(1);
      expect(printed.join("\n")).toContain("Press p here for a new one.");
      // `passerelle pair` in another terminal (or a second start) asks the running relay for a code.
      const answer = await fresh.fetch(`https://127.0.0.1:${fresh.relay.port}/control/pairing`, {
        method: "POST",
        headers: { [CONTROL_HEADER]: fresh.relay.security.controlSecret },
      });
      const { code } = (await answer.json()) as { code: string };
      expect(codes()).toEqual([codes()[0], code]);
      expect(printed.join("\n")).toContain("A new pairing code; the one shown above no longer works.");
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(printed.at(-1)!.replace(/\s+/g, " ")).toMatch(
        new RegExp(
          `^The pairing code ${code} expired at \\d\\d:\\d\\d:\\d\\d unused\\. Press p here for a new one\\.$`,
        ),
      );
      input.write("p");
      await settle();
      expect(codes()).toHaveLength(3);
    } finally {
      await extras.stop();
      await fresh.relay.stop(100);
    }
  });
});

describe("an old relay folder in the roaming profile", () => {
  it("is said at start, with the key that removes it", async () => {
    const root = mkdtempSync(join(tmpdir(), "passerelle-roaming-"));
    const env = { APPDATA: join(root, "Roaming"), LOCALAPPDATA: join(root, "Local") };
    for (const folder of [join(env.APPDATA, "Passerelle"), join(env.LOCALAPPDATA, "Passerelle")]) {
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, "relay-key.pem"), "old key");
    }
    const input = terminal();
    const printed: string[] = [];
    const extras = startExtras({ ...loopbackConfig(), mdns: false }, relay.relay, (line) => printed.push(line), {
      stop: () => undefined,
      input,
      env,
      platform: "win32",
    });
    try {
      const said = printed.join("\n").replace(/\s+/g, " ");
      expect(said).toContain(
        `An older Passerelle folder is still in your roaming profile: ${join(env.APPDATA, "Passerelle")}.`,
      );
      expect(said).toContain("it holds an old relay key (relay-key.pem)");
      expect(said).toContain("Press r to remove it.");
      input.write("r");
      await settle();
      expect(existsSync(join(env.APPDATA, "Passerelle"))).toBe(false);
      expect(existsSync(join(env.LOCALAPPDATA, "Passerelle", "relay-key.pem"))).toBe(true);
      expect(printed.at(-1)).toBe(`Removed ${join(env.APPDATA, "Passerelle")}.`);
    } finally {
      await extras.stop();
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("without a keyboard, gives the PowerShell line that removes it", async () => {
    const root = mkdtempSync(join(tmpdir(), "passerelle-roaming-"));
    const env = { APPDATA: join(root, "Roaming"), LOCALAPPDATA: join(root, "Local") };
    for (const folder of [join(env.APPDATA, "Passerelle"), join(env.LOCALAPPDATA, "Passerelle")]) {
      mkdirSync(folder, { recursive: true });
    }
    const printed: string[] = [];
    const extras = startExtras({ ...loopbackConfig(), mdns: false }, relay.relay, (line) => printed.push(line), {
      stop: () => undefined,
      input: new PassThrough(),
      env,
      platform: "win32",
    });
    await extras.stop();
    const command = printed
      .join("\n")
      .split("\n")
      .find((line) => line.startsWith("  Remove-Item"))!
      .trim();
    expect(command).toBe(`Remove-Item -Recurse -Force '${join(env.APPDATA, "Passerelle")}'`);
    expect(powerShell51Problems(command)).toEqual([]);
    rmSync(root, { recursive: true, force: true });
  });
});

describe("a PC started before its network is up (logon, 802.1X Wi-Fi)", () => {
  it("says the addresses as they appear, and when they go, without a restart", async () => {
    const printed: string[] = [];
    const seen = [[], [], ["192.168.1.23"], ["192.168.1.23"], []];
    const watch = watchAddresses(
      8787,
      (line) => printed.push(line),
      [],
      async () => seen.shift() ?? [],
      10,
    );
    await new Promise((resolve) => setTimeout(resolve, 150));
    watch.stop();
    expect(printed).toEqual([
      "Addresses: 192.168.1.23:8787",
      "This PC has no network address any more: the Mac cannot reach it until it is back on the Wi-Fi.",
    ]);
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
