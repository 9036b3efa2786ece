import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { connect as tlsConnect } from "node:tls";
import { join } from "node:path";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTROL_HEADER } from "../../src/auth/pairing-routes.js";
import { CERT_FILE } from "../../src/state/identity.js";
import { RUNTIME_FILE } from "../../src/state/runtime-info.js";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { startRelayProcess, type RelayProcess } from "../support/relay-process.js";

const KEY = "sk-test-workers";
const linux = process.platform === "linux";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The relay's workers: its child processes (Linux reads them from /proc). */
function workerPids(relay: RelayProcess): number[] {
  const pid = relay.child.pid!;
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim();
  return children ? children.split(" ").map(Number) : [];
}

/** Which process holds each connection accepted on `port` (Linux, `ss` of iproute2), by process id. */
function connectionsByProcess(port: number): Map<number, number> {
  const lines = execFileSync("ss", ["-Htnp", "state", "established", `( sport = :${port} )`], { encoding: "utf8" });
  const counts = new Map<number, number>();
  for (const [, pid] of lines.matchAll(/pid=(\d+)/g)) counts.set(Number(pid), (counts.get(Number(pid)) ?? 0) + 1);
  return counts;
}

/** `/v1/models` with `token`, on a connection of its own (closed after): Node's round robin gives it to the next worker. */
async function statusOnFreshConnection(
  relay: RelayProcess,
  token: string,
  dispatcher = relay.dispatcher,
): Promise<number> {
  const res = await request(`https://127.0.0.1:${relay.port}/v1/models`, {
    dispatcher,
    reset: true,
    headers: { authorization: `Bearer ${KEY}`, "x-passerelle-token": token },
  });
  await res.body.dump();
  return res.statusCode;
}

/** The owner's control route on the running relay (what `passerelle pair --cli` and `revoke` call). */
async function control(
  relay: RelayProcess,
  home: string,
  path: string,
  body: unknown,
): Promise<Record<string, unknown>> {
  const { control: secret } = JSON.parse(readFileSync(join(home, RUNTIME_FILE), "utf8")) as { control: string };
  const res = await request(`https://127.0.0.1:${relay.port}${path}`, {
    dispatcher: relay.dispatcher,
    method: "POST",
    headers: { [CONTROL_HEADER]: secret, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return (await res.body.json()) as Record<string, unknown>;
}

let upstream: FakeUpstream;
let root: string;
let relay: RelayProcess;
const home = () => join(root, "passerelle-home");

beforeAll(async () => {
  upstream = await startFakeUpstream();
  root = mkdtempSync(join(tmpdir(), "passerelle-workers-"));
  relay = await startRelayProcess(root, ["--workers", "2", "--no-mdns", "--upstream", upstream.baseURL]);
}, 60_000);
afterAll(async () => {
  relay?.child.kill("SIGKILL");
  await upstream.close();
  rmSync(root, { recursive: true, force: true });
});

describe("a relay with two workers", () => {
  it("streams through the openai client, from workers beside the main process", async () => {
    if (linux) expect(workerPids(relay)).toHaveLength(2);
    const stream = await relay.client(KEY).chat.completions.create({
      model: "gpt-4.1-mini",
      stream: true,
      messages: [{ role: "user", content: "bonjour des workers" }],
    });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe("Echo: bonjour des workers");
    expect(relay.output()).toContain("Requests served by 2 workers");
  });

  it("a script paired, then revoked, is let in, then refused, by every worker at once", async () => {
    for (let round = 0; round < 5; round++) {
      const { token, name } = (await control(relay, home(), "/control/devices", { name: `script-${round}` })) as {
        token: string;
        name: string;
      };
      const accepted = await Promise.all(Array.from({ length: 6 }, () => statusOnFreshConnection(relay, token)));
      expect(accepted).toEqual([200, 200, 200, 200, 200, 200]);
      expect(await control(relay, home(), "/control/devices/revoke", { name })).toEqual({ removed: true });
      // Refused (401), or made to wait (429) once this address has failed too often.
      const refused = await Promise.all(Array.from({ length: 6 }, () => statusOnFreshConnection(relay, token)));
      expect(refused.filter((status) => status !== 401 && status !== 429)).toEqual([]);
    }
  });

  it("a Mac paired with the code `passerelle pair` shows is let in by every worker at once, and named in the window", async () => {
    const opened = await control(relay, home(), "/control/pairing", {});
    expect(Date.parse(String(opened.expiresAt))).toBeGreaterThan(Date.now());
    const pin = String(opened.code).replace(/-/g, "").slice(20);
    const res = await request(`https://127.0.0.1:${relay.port}/pair`, {
      dispatcher: relay.dispatcher,
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ pin, name: "Mac des workers" }),
    });
    const { token } = (await res.body.json()) as { token: string };
    expect(res.statusCode).toBe(200);
    const statuses = await Promise.all(Array.from({ length: 6 }, () => statusOnFreshConnection(relay, token)));
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    await expect.poll(() => relay.output()).toContain('Paired: "Mac des workers"');
  });

  it("counts an address's failed tokens once for the whole relay, whichever worker saw them", async () => {
    // Another loopback address, with a failure budget of its own.
    const cert = readFileSync(join(home(), CERT_FILE), "utf8");
    const stranger = new Agent({
      localAddress: "127.0.0.7",
      connect: { ca: [cert], checkServerIdentity: () => undefined },
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push(await statusOnFreshConnection(relay, `psr_guess_${i}`, stranger));
      // Five failures per address and minute: spread over two workers, they are still five.
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    } finally {
      await stranger.close();
    }
  });

  it.runIf(linux)("spreads connections over both workers", async () => {
    const held = Array.from({ length: 4 }, () => connect(relay.port, "127.0.0.1"));
    await Promise.all(held.map((socket) => new Promise((resolve) => socket.once("connect", resolve))));
    await sleep(200);
    const byProcess = connectionsByProcess(relay.port);
    for (const socket of held) socket.destroy();
    expect([...byProcess.keys()].sort()).toEqual(workerPids(relay).sort());
  });
});

/** A stream asked on a raw TLS connection of its own (its local port names it in `ss`); `end` says whether it arrived whole. */
function rawStream(
  relay: RelayProcess,
): Promise<{ localPort: number; firstChunk: Promise<void>; end: Promise<string> }> {
  const cert = readFileSync(join(home(), CERT_FILE), "utf8");
  const socket = tlsConnect({ host: "127.0.0.1", port: relay.port, ca: [cert], checkServerIdentity: () => undefined });
  const body = JSON.stringify({ model: "gpt-4.1-mini", stream: true, messages: [{ role: "user", content: "x" }] });
  let text = "";
  let first: () => void = () => undefined;
  const firstChunk = new Promise<void>((resolve) => (first = resolve));
  socket.on("data", (chunk: Buffer) => {
    text += chunk.toString("utf8");
    if (text.includes('"content"')) first();
  });
  socket.on("error", () => undefined);
  const end = new Promise<string>((resolve) => socket.once("close", () => resolve(text)));
  return new Promise((resolve) =>
    socket.once("secureConnect", () => {
      socket.write(
        `POST /v1/chat/completions HTTP/1.1\r\nhost: relay\r\nconnection: close\r\nauthorization: Bearer ${KEY}\r\n` +
          `x-passerelle-token: ${relay.token}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
      );
      resolve({ localPort: socket.localPort!, firstChunk, end });
    }),
  );
}

/** The process holding the relay's end of each connection, by the caller's port (Linux, `ss`). */
function processByCallerPort(port: number): Map<number, number> {
  const lines = execFileSync("ss", ["-Htnp", "state", "established", `( sport = :${port} )`], { encoding: "utf8" });
  const byPort = new Map<number, number>();
  for (const [, peer, pid] of lines.matchAll(/:\d+\s+\S+:(\d+)\s+users:\(\("[^"]*",pid=(\d+)/g)) {
    byPort.set(Number(peer), Number(pid));
  }
  return byPort;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.runIf(linux)("a worker that dies mid-stream", () => {
  it("is replaced, and the other worker's streams arrive whole", async () => {
    upstream.options = { words: Array.from({ length: 20 }, (_, i) => `w${i}`), chunkDelayMs: 100 };
    try {
      const streams = await Promise.all(Array.from({ length: 4 }, () => rawStream(relay)));
      await Promise.all(streams.map((s) => s.firstChunk));
      const holder = processByCallerPort(relay.port);
      const victim = holder.get(streams[0]!.localPort)!;
      expect(workerPids(relay)).toContain(victim);
      process.kill(victim, "SIGKILL");
      const ends = await Promise.all(streams.map((s) => s.end));
      for (const [i, stream] of streams.entries()) {
        const whole = ends[i]!.includes("data: [DONE]") && ends[i]!.includes(" w19");
        // Its own callers' streams are cut; every other stream arrives whole.
        expect(whole, `stream ${i}`).toBe(holder.get(stream.localPort) !== victim);
      }
      expect(streams.some((s) => holder.get(s.localPort) !== victim)).toBe(true);
      await expect.poll(() => relay.output(), { timeout: 5000 }).toContain("A worker stopped unexpectedly (SIGKILL)");
      await expect.poll(() => workerPids(relay).length, { timeout: 10_000 }).toBe(2);
      expect(workerPids(relay)).not.toContain(victim);
      const statuses = await Promise.all(Array.from({ length: 4 }, () => statusOnFreshConnection(relay, relay.token)));
      expect(statuses).toEqual([200, 200, 200, 200]);
    } finally {
      upstream.options = {};
    }
  }, 30_000);
});

describe("the bounds the relay keeps in all", () => {
  it("lets one address hold 256 untrusted connections across both workers, not 256 each", async () => {
    const sockets = Array.from({ length: 320 }, () =>
      connect({ port: relay.port, host: "127.0.0.1", localAddress: "127.0.0.9" }),
    );
    const closed = new Set<number>();
    sockets.forEach((socket, i) => {
      socket.on("error", () => undefined);
      socket.once("close", () => closed.add(i));
    });
    await Promise.all(
      sockets.map((socket) => new Promise((resolve) => socket.once("connect", resolve).once("close", resolve))),
    );
    // Each worker closes what its share does not allow as the connections reach it.
    const open = () => sockets.length - closed.size;
    await expect.poll(open, { timeout: 10_000 }).toBeLessThanOrEqual(256);
    await sleep(300);
    const settled = open();
    for (const socket of sockets) socket.destroy();
    expect(settled).toBeLessThanOrEqual(256);
    expect(settled).toBeGreaterThanOrEqual(128);
  });
});

describe.runIf(linux)("stopping", () => {
  it("Ctrl+C stops the main process and every worker: Stopping, exit 0, relay.json gone", async () => {
    const workers = workerPids(relay);
    expect(workers).toHaveLength(2);
    relay.child.kill("SIGINT");
    expect(await relay.exited).toBe(0);
    expect(relay.output()).toContain("Stopping");
    expect(existsSync(join(home(), RUNTIME_FILE))).toBe(false);
    await expect.poll(() => workers.filter(alive), { timeout: 5000 }).toEqual([]);
  });

  it("the main process killed, its workers stop by themselves", async () => {
    const other = await startRelayProcess(mkdtempSync(join(root, "killed-")), [
      "--workers",
      "2",
      "--no-mdns",
      "--upstream",
      upstream.baseURL,
      "--stop-timeout",
      "1",
    ]);
    const workers = workerPids(other);
    expect(workers).toHaveLength(2);
    other.child.kill("SIGKILL");
    await expect.poll(() => workers.filter(alive), { timeout: 10_000 }).toEqual([]);
  }, 30_000);
});
