import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fetch as undiciFetch } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSubcommand } from "../../src/commands/dispatch.js";
import { askRunningRelay } from "../../src/commands/control-client.js";
import { parseRegistry, tokenDigest } from "../../src/state/devices.js";
import { DEVICES_FILE } from "../../src/state/devices.js";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { startRelayProcess, type RelayProcess } from "../support/relay-process.js";
import { extensionModule, type ExtensionPairing } from "../support/extension.js";

let upstream: FakeUpstream;
let extension: ExtensionPairing;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  extension = await extensionModule<ExtensionPairing>("relay/pairing.ts");
}, 60_000);
afterAll(async () => {
  await upstream.close();
});

/** `passerelle <argv>` on the folder `home`, as the person at the PC runs it. */
async function run(home: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runSubcommand(argv, {
    env: { PASSERELLE_HOME: home },
    out: (t) => void (out += t),
    err: (t) => void (err += t),
  });
  return { code, out, err };
}

/** Status and error code of GET /v1/models with a device token. */
async function use(relay: RelayProcess, token: string): Promise<{ status: number; code?: string }> {
  const res = await undiciFetch(`https://127.0.0.1:${relay.port}/v1/models`, {
    dispatcher: relay.dispatcher,
    headers: { authorization: "Bearer sk-test-damage", "x-passerelle-token": token },
  });
  const body = (await res.json()) as { error?: { code: string } };
  return { status: res.status, code: body.error?.code };
}

async function stop(relay: RelayProcess, signal: NodeJS.Signals = "SIGINT"): Promise<void> {
  relay.child.kill(signal);
  await relay.exited;
  await relay.dispatcher.close();
}

describe("a damaged devices.json", () => {
  let root: string;
  let home: string;
  let relay: RelayProcess;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "passerelle-damage-"));
    home = join(root, "passerelle-home");
    relay = await startRelayProcess(root, ["--no-mdns", "--upstream", upstream.baseURL]);
  }, 30_000);
  afterAll(async () => {
    await stop(relay);
    rmSync(root, { recursive: true, force: true });
  });

  it("cut short: nothing lost, no 500, the person told what happened and what to do; restore brings every device back", async () => {
    const file = join(home, DEVICES_FILE);
    const tokens = [relay.token];
    for (const name of ["script-a", "script-b"]) {
      const { out } = await run(home, "pair", "--cli", name, "--json");
      tokens.push((JSON.parse(out) as { token: string }).token);
    }
    const whole = readFileSync(file, "utf8");
    writeFileSync(file, whole.slice(0, Math.floor(whole.length / 2)));

    for (const token of tokens)
      expect(await use(relay, token)).toEqual({ status: 503, code: "device_registry_damaged" });
    // Said in the relay's window, with the two ways out.
    await expect.poll(() => relay.output(), { timeout: 3000 }).toContain("is damaged");
    expect(relay.output()).toContain("passerelle devices --restore");
    expect(relay.output()).toContain("passerelle devices --reset");
    // The file as found is kept beside, never written over.
    const kept = readdirSync(home).filter((name) => name.startsWith(`${DEVICES_FILE}.damaged-`));
    expect(kept).toHaveLength(1);
    expect(readFileSync(join(home, kept[0]!), "utf8")).toBe(whole.slice(0, Math.floor(whole.length / 2)));

    const listed = await run(home, "devices");
    expect(listed.code).toBe(1);
    expect(listed.err).toContain("does not parse");
    expect(listed.err).toContain(kept[0]);
    expect(listed.err).toContain("To put back the last good list (3 devices):");
    // No new pairing until the person chooses: neither a script nor a Mac; the Mac's code stays good.
    const refused = await run(home, "pair", "--cli", "script-c", "--json");
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("passerelle devices --restore");
    const pairing = await run(home, "pair");
    expect(pairing.code).toBe(1);
    expect(pairing.err).toContain("pairs no new device until you choose");
    const opened = await askRunningRelay(home, "/control/pairing", {});
    const code = String(opened!.body.code);
    const address = `127.0.0.1:${relay.port}`;
    await expect(extension.pairWithRelay({ address, code, deviceName: "Mac" })).rejects.toMatchObject({
      code: "device_registry_damaged",
    });
    expect(readFileSync(file, "utf8")).toBe(whole.slice(0, Math.floor(whole.length / 2)));

    const restored = await run(home, "devices", "--restore");
    expect(restored).toMatchObject({ code: 0, out: expect.stringContaining("3 devices") });
    for (const token of tokens) expect((await use(relay, token)).status).toBe(200);
    const mac = await extension.pairWithRelay({ address, code, deviceName: "Mac" });
    expect((await use(relay, mac.deviceToken)).status).toBe(200);
  }, 30_000);

  it("{devices:[null]}: no 500; a whole entry beside a broken one still works; reset starts afresh", async () => {
    const file = join(home, DEVICES_FILE);
    const good = parseRegistry(readFileSync(file, "utf8")).devices.find((d) => d.name === "process-test")!;
    writeFileSync(file, JSON.stringify({ devices: [null] }));
    expect(await use(relay, relay.token)).toEqual({ status: 503, code: "device_registry_damaged" });
    const listed = await run(home, "devices");
    expect(listed.err).toContain("entry 1 of 1 is not a paired device");

    writeFileSync(file, JSON.stringify({ devices: [null, good] }));
    expect((await use(relay, relay.token)).status).toBe(200);
    expect((await use(relay, "psr_not-a-device")).code).toBe("device_registry_damaged");
    const partly = await run(home, "devices");
    expect(partly.out).toContain("process-test");
    expect(partly.err).toContain("entry 1 of 2 is not a paired device");
    expect(partly.err).toContain("1 device still works");

    expect((await run(home, "devices", "--reset")).code).toBe(0);
    expect(existsSync(file)).toBe(true);
    // Refused: unknown now (or this address waits, after the failures counted while the list was damaged).
    expect(["device_token_invalid", "too_many_failures"]).toContain((await use(relay, relay.token)).code);
    const { out } = await run(home, "pair", "--cli", "fresh", "--json");
    expect((await use(relay, (JSON.parse(out) as { token: string }).token)).status).toBe(200);
  }, 30_000);
});

describe("a FIFO where the relay's state files go", () => {
  it("neither blocks the relay nor opens it: /health answers, the lock is taken over, the list is refused", async () => {
    const root = mkdtempSync(join(tmpdir(), "passerelle-fifo-"));
    const home = join(root, "passerelle-home");
    const relay = await startRelayProcess(root, ["--no-mdns", "--upstream", upstream.baseURL]);
    const health = async () => {
      const started = performance.now();
      const res = await undiciFetch(`https://127.0.0.1:${relay.port}/health`, {
        dispatcher: relay.dispatcher,
        signal: AbortSignal.timeout(2000),
      });
      expect(res.status).toBe(200);
      return performance.now() - started;
    };
    try {
      // A lock no Passerelle process made: reading it would wait for a writer forever.
      execFileSync("mkfifo", [join(home, `${DEVICES_FILE}.lock`)]);
      const added = askRunningRelay(home, "/control/devices", { name: "after-the-fifo" });
      expect(await health()).toBeLessThan(1000);
      expect((await added)?.status).toBe(200);
      expect((await use(relay, relay.token)).status).toBe(200);

      rmSync(join(home, DEVICES_FILE));
      execFileSync("mkfifo", [join(home, DEVICES_FILE)]);
      expect(await use(relay, relay.token)).toEqual({ status: 503, code: "device_registry_damaged" });
      expect(await health()).toBeLessThan(1000);
      const listed = await run(home, "devices");
      expect(listed.err).toContain("it is not a regular file");
    } finally {
      await stop(relay, "SIGKILL");
      rmSync(root, { recursive: true, force: true });
    }
  }, 30_000);
});

describe("the relay killed (kill -9) while it writes devices.json", () => {
  it("loses no device it acknowledged, leaves a file that reads, and the next relay and commands go on", async () => {
    const root = mkdtempSync(join(tmpdir(), "passerelle-kill-"));
    const home = join(root, "passerelle-home");
    const acknowledged: string[] = [];
    try {
      for (let trial = 0; trial < 5; trial++) {
        const relay = await startRelayProcess(root, ["--no-mdns", "--upstream", upstream.baseURL]);
        acknowledged.push(relay.token);
        const adds = Array.from({ length: 30 }, (_, i) =>
          askRunningRelay(home, "/control/devices", { name: `t${trial}-${i}` }).then(
            (answer) => answer?.status === 200 && acknowledged.push(String(answer.body.token)),
            () => undefined, // killed before it answered: not acknowledged, so not owed
          ),
        );
        await new Promise((resolve) => setTimeout(resolve, 20 + trial * 15));
        relay.child.kill("SIGKILL");
        await relay.exited;
        await relay.dispatcher.close();
        await Promise.all(adds);
        const { devices, problem } = parseRegistry(readFileSync(join(home, DEVICES_FILE), "utf8"));
        expect(problem).toBeUndefined();
        const stored = new Set(devices.map((d) => d.tokenSha256));
        for (const token of acknowledged) expect(stored.has(tokenDigest(token).toString("hex"))).toBe(true);
      }
      // With the relay stopped (a lock or a temporary file may have been left by the kill), the commands work.
      const { code, out } = await run(home, "pair", "--cli", "after-the-kills", "--json");
      expect(code).toBe(0);
      acknowledged.push((JSON.parse(out) as { token: string }).token);
      const relay = await startRelayProcess(root, ["--no-mdns", "--upstream", upstream.baseURL]);
      try {
        for (const token of acknowledged) expect((await use(relay, token)).status).toBe(200);
        expect(readdirSync(home).filter((name) => name.endsWith(".tmp"))).toEqual([]);
        expect(relay.output()).not.toContain("is damaged");
      } finally {
        await stop(relay);
      }
      console.log(`kill -9 during writes: ${acknowledged.length} acknowledged devices, all kept`);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 90_000);
});
