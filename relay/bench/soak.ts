/**
 * Soak: the relay as users run it (TLS, its own process) under mixed traffic for a while, with its
 * memory, open files and sockets sampled each minute. Not part of `npm test`.
 *
 * Traffic: 30 paired devices, each from its own loopback address, asking in turn for streamed and
 * whole answers (one stream in ten abandoned after its first chunk); strangers sending bad tokens from
 * 40 addresses; wrong pairing codes; and every 20 s the owner pairing a new device, using it, and
 * revoking it (its token must then be refused).
 *
 * With workers (`--workers N`, as the relay's own setting; its default otherwise), memory, files and sockets are
 * those of all the relay's processes together, and each revoked token is tried on fresh connections, which Node's
 * round robin spreads over every worker, right after the revoke.
 *
 * Usage: npm run soak [-- --minutes N] [-- --workers N]   (10 minutes by default; Linux reads /proc for the figures)
 */
import { fork, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { Agent, request } from "undici";
import { buildRelay, relayDir } from "../scripts/build-relay.ts";
import { processTree, rssMB } from "./stage.ts";

const { values } = parseArgs({ options: { minutes: { type: "string", default: "10" }, workers: { type: "string" } } });
const minutes = Number(values.minutes);
if (!(minutes > 0)) throw new Error("--minutes takes a positive number");

const DEVICES = 30;
const KEY = "sk-test-soak-0000";
const strip = ["--experimental-strip-types", "--no-warnings"];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Open file descriptors of a process and its workers, and how many of them are sockets (Linux). */
function descriptors(pid: number): { fds: number | string; sockets: number | string } {
  try {
    let fds = 0;
    let sockets = 0;
    for (const process of processTree(pid)) {
      const dir = `/proc/${process}/fd`;
      const names = readdirSync(dir);
      fds += names.length;
      for (const name of names) {
        try {
          if (readlinkSync(join(dir, name)).startsWith("socket:")) sockets++;
        } catch {
          // closed meanwhile
        }
      }
    }
    return { fds, sockets };
  } catch {
    return { fds: "n/a", sockets: "n/a" };
  }
}

/** Resident memory of a process and its workers together, in MB. */
const treeMB = (pid: number) => processTree(pid).reduce((total, process) => total + rssMB(process), 0);

/** What happened, per minute. */
interface Counts {
  ok: number;
  streams: number;
  aborted: number;
  /** Failures seen by paired devices: must stay 0. */
  pairedErrors: number;
  badTokensRefused: number;
  wrongCodes: number;
  pairings: number;
  revokes: number;
  /** A revoked token that still worked: must stay 0. */
  revokedAccepted: number;
}
const zero = (): Counts => ({
  ok: 0,
  streams: 0,
  aborted: 0,
  pairedErrors: 0,
  badTokensRefused: 0,
  wrongCodes: 0,
  pairings: 0,
  revokes: 0,
  revokedAccepted: 0,
});

async function main(): Promise<void> {
  buildRelay();
  const home = mkdtempSync(join(tmpdir(), "passerelle-soak-"));
  const children: ChildProcess[] = [];
  const stopAll = () => {
    for (const child of children) child.kill("SIGKILL");
    rmSync(home, { recursive: true, force: true });
  };
  process.on("SIGINT", () => {
    stopAll();
    process.exit(130);
  });
  try {
    const security = (await import(pathToFileURL(join(relayDir, "dist/auth/relay-security.js")).href)) as {
      prepareSecurity(home: string): Promise<{
        identity: { certPem: string; fingerprint256: string };
        devices: { add(name: string, kind: string): { token: string } };
      }>;
    };
    const prepared = await security.prepareSecurity(home);
    const tokens = Array.from({ length: DEVICES }, (_, i) => prepared.devices.add(`soak-${i}`, "app").token);

    const fake = fork(join(relayDir, "bench/fake-openai.ts"), ["20", "20"], { execArgv: strip });
    children.push(fake);
    const upstreamPort = await new Promise<number>((resolve) =>
      fake.once("message", (m) => resolve((m as { port: number }).port)),
    );
    const relay = spawn(
      process.execPath,
      [
        join(relayDir, "bin/passerelle.js"),
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--no-mdns",
        "--upstream",
        `http://127.0.0.1:${upstreamPort}/v1`,
        ...(values.workers ? ["--workers", values.workers] : []),
      ],
      {
        cwd: relayDir,
        env: {
          PATH: process.env.PATH,
          HOME: home,
          XDG_CONFIG_HOME: home,
          APPDATA: home,
          LOCALAPPDATA: home,
          PASSERELLE_HOME: home,
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    children.push(relay);
    let printed = "";
    const port = await new Promise<number>((resolve, reject) => {
      const look = (d: Buffer) => {
        printed += d.toString();
        const m = /listening on port (\d+)/.exec(printed);
        if (m) resolve(Number(m[1]));
      };
      relay.stdout!.on("data", look);
      relay.stderr!.on("data", look);
      relay.once("exit", () => reject(new Error("relay exited:\n" + printed)));
    });
    // Keep only what the relay says besides its request lines (crashes, warnings), not the lines themselves.
    let said = "";
    relay.stdout!.on("data", (d: Buffer) => {
      for (const line of d.toString().split("\n")) if (line && !/^\d\d:\d\d:\d\d /.test(line)) said += line + "\n";
    });
    relay.stderr!.on("data", (d: Buffer) => (said += d.toString()));
    const control = (JSON.parse(readFileSync(join(home, "relay.json"), "utf8")) as { control: string }).control;

    const origin = `https://127.0.0.1:${port}`;
    const pinned = (localAddress: string) =>
      new Agent({
        localAddress,
        connect: {
          ca: [prepared.identity.certPem],
          checkServerIdentity: (_h, cert) =>
            cert.fingerprint256 === prepared.identity.fingerprint256 ? undefined : new Error("not the relay"),
        },
      });
    const agents: Agent[] = [];
    const agentFor = (address: string) => {
      const agent = pinned(address);
      agents.push(agent);
      return agent;
    };

    /** What the paired devices' failures were, by status or error name and code. */
    const failures = new Map<string, number>();
    const failed = (what: string) => {
      failures.set(what, (failures.get(what) ?? 0) + 1);
      count("pairedErrors");
    };
    let counts = zero();
    const total = zero();
    const count = (key: keyof Counts) => {
      counts[key]++;
      total[key]++;
    };
    const endAt = Date.now() + minutes * 60_000;
    const running = () => Date.now() < endAt;

    // A paired device: streams and whole answers in turn, one stream in ten abandoned after its first chunk.
    async function device(i: number): Promise<void> {
      const dispatcher = agentFor(`127.0.4.${i + 1}`);
      const headers = {
        authorization: `Bearer ${KEY}`,
        "x-passerelle-token": tokens[i]!,
        "content-type": "application/json",
      };
      for (let n = 0; running(); n++) {
        const stream = n % 2 === 0;
        const abort = stream && n % 20 === 0 ? new AbortController() : undefined;
        try {
          const res = await request(`${origin}/v1/chat/completions`, {
            dispatcher,
            method: "POST",
            headers,
            body: JSON.stringify({ model: "gpt-4.1-mini", stream, messages: [{ role: "user", content: `soak ${n}` }] }),
            ...(abort && { signal: abort.signal }),
          });
          if (res.statusCode !== 200) {
            failed(`device: ${res.statusCode} ${await res.body.text()}`.slice(0, 200));
          } else if (abort) {
            for await (const chunk of res.body) {
              void chunk;
              abort.abort();
              break;
            }
            count("aborted");
          } else {
            const text = await res.body.text();
            if (stream && !text.includes("data: [DONE]")) failed("device: a stream without its end");
            else {
              count("ok");
              if (stream) count("streams");
            }
          }
        } catch (error) {
          if (abort?.signal.aborted) count("aborted");
          else failed(`device: ${(error as Error).name} ${(error as { code?: string }).code ?? ""}`);
        }
        await sleep(150);
      }
    }

    // Strangers: bad tokens from 40 addresses, a few a second.
    async function strangers(): Promise<void> {
      const dispatchers = Array.from({ length: 40 }, (_, i) => agentFor(`127.0.5.${i + 10}`));
      for (let n = 0; running(); n++) {
        try {
          const res = await request(`${origin}/v1/models`, {
            dispatcher: dispatchers[n % 40]!,
            headers: { authorization: `Bearer ${KEY}`, "x-passerelle-token": `psr_guess_${n}` },
          });
          await res.body.dump();
          if (res.statusCode === 401 || res.statusCode === 429) count("badTokensRefused");
        } catch {
          // closed with the refusal
        }
        await sleep(200);
      }
    }

    /** POST of a small JSON body; resolves with status and body. */
    async function post(dispatcher: Agent, path: string, body: unknown, headers: Record<string, string> = {}) {
      const res = await request(`${origin}${path}`, {
        dispatcher,
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(body),
      });
      return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
    }

    // Pairing: wrong codes from a stranger; every 20 s the owner pairs a Mac, uses it, revokes it.
    async function pairing(): Promise<void> {
      const stranger = agentFor("127.0.6.1");
      const owner = agentFor("127.0.0.1");
      const mac = agentFor("127.0.6.2");
      for (let n = 0; running(); n++) {
        try {
          const wrong = await post(stranger, "/pair", { pin: `WRONG${n % 1000}`, name: "stranger" });
          if (wrong.status === 401 || wrong.status === 429) count("wrongCodes");
          if (n % 10 === 0) {
            const opened = await post(owner, "/control/pairing", {}, { "x-passerelle-control": control });
            const pin = String(opened.body.code).replace(/-/g, "").slice(20);
            const paired = await post(mac, "/pair", { pin, name: `mac-${n}` });
            if (paired.status !== 200) failed(`pairing: ${paired.status} ${JSON.stringify(paired.body)}`.slice(0, 200));
            else {
              count("pairings");
              const token = String(paired.body.token);
              // Each on a connection of its own, closed after: Node's round robin gives them to every worker in turn.
              const use = async () => {
                const res = await request(`${origin}/v1/models`, {
                  dispatcher: mac,
                  reset: true,
                  headers: { authorization: `Bearer ${KEY}`, "x-passerelle-token": token },
                });
                await res.body.dump();
                return res.statusCode;
              };
              const useEverywhere = () => Promise.all(Array.from({ length: 8 }, use));
              for (const first of await useEverywhere()) if (first !== 200) failed(`new Mac: ${first}`);
              const revoked = await post(
                owner,
                "/control/devices/revoke",
                { name: String(paired.body.name) },
                {
                  "x-passerelle-control": control,
                },
              );
              if (revoked.body.removed === true) count("revokes");
              const revokedAt = performance.now();
              // Refused by every worker at once; tried again for a second in case one lags behind.
              while (performance.now() - revokedAt < 1000) {
                for (const status of await useEverywhere()) if (status === 200) count("revokedAccepted");
              }
            }
          }
        } catch (error) {
          failed(`pairing: ${(error as Error).name} ${(error as { code?: string }).code ?? ""}`);
        }
        await sleep(2000);
      }
    }

    const pid = relay.pid!;
    const rows: string[] = [];
    const header =
      "minute  RSS MB  fds  sockets  answers  streams  aborted  paired errors  bad tokens refused  wrong codes  pairings  revokes  revoked accepted";
    const row = (label: string, c: Counts) => {
      const { fds, sockets } = descriptors(pid);
      return [
        label.padStart(6),
        treeMB(pid).toFixed(1).padStart(6),
        String(fds).padStart(4),
        String(sockets).padStart(7),
        String(c.ok).padStart(7),
        String(c.streams).padStart(7),
        String(c.aborted).padStart(7),
        String(c.pairedErrors).padStart(13),
        String(c.badTokensRefused).padStart(18),
        String(c.wrongCodes).padStart(11),
        String(c.pairings).padStart(8),
        String(c.revokes).padStart(7),
        String(c.revokedAccepted).padStart(16),
      ].join("  ");
    };
    const workers = processTree(pid).length - 1;
    console.log(
      `Soak: ${minutes} min, ${DEVICES} paired devices, relay pid ${pid} (${workers ? `${workers} workers` : "one process"}) on port ${port}.\n${header}`,
    );
    const start = row("start", counts);
    rows.push(start);
    console.log(start);
    const sampler = setInterval(() => {
      const line = row(String(rows.length), counts);
      rows.push(line);
      console.log(line);
      counts = zero();
    }, 60_000);

    await Promise.all([...tokens.map((_, i) => device(i)), strangers(), pairing()]);
    clearInterval(sampler);
    await sleep(2000); // let the last connections close before the final sample
    const end = row("end", total);
    console.log(`${end}   (totals)`);
    if (said.trim()) console.log(`The relay also said:\n${said}`);
    for (const [what, n] of failures) console.log(`${n} × ${what}`);
    const healthy = total.pairedErrors === 0 && total.revokedAccepted === 0;
    console.log(healthy ? "No failure for paired devices; every revoked token refused." : "FAILURES: see the table.");
    await Promise.all(agents.map((agent) => agent.close()));
    process.exitCode = healthy ? 0 : 1;
  } finally {
    stopAll();
  }
}

await main();
