import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { connect as netConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect as tlsConnect } from "node:tls";
import { Worker } from "node:worker_threads";
import { Agent, fetch as undiciFetch } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PAIR_BODY_MS } from "../../src/auth/pairing-routes.js";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { sleep } from "../support/fixture.js";
import { startRelayProcess, type RelayProcess } from "../support/relay-process.js";
import { startRelayUnderTest } from "../support/relay-under-test.js";

let upstream: FakeUpstream;
let root: string;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  root = mkdtempSync(join(tmpdir(), "passerelle-flood-"));
}, 60_000);
afterAll(async () => {
  await upstream.close();
  rmSync(root, { recursive: true, force: true });
});

/** The relay process's resident memory, in MB. */
function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return Number(kb) / 1024;
}

const PAIR_HEAD =
  "POST /pair HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n";
const V1_HEAD =
  "POST /v1/chat/completions HTTP/1.1\r\nHost: relay\r\nAuthorization: Bearer sk-test-flood\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n";

describe("a flood of strangers on the Wi-Fi", () => {
  let relay: RelayProcess;
  beforeAll(async () => {
    relay = await startRelayProcess(root, ["--no-mdns", "--upstream", upstream.baseURL]);
  }, 30_000);
  afterAll(async () => {
    relay.child.kill("SIGKILL");
    await relay.exited;
    await relay.dispatcher.close();
  });

  it("closes 1,000 body-less POST /pair and 1,000 token-less /v1 within the deadline, within +100 MB, while a paired device is answered in under 2 s", async () => {
    const pid = relay.child.pid!;
    const cert = readFileSync(join(root, "passerelle-home", "relay-cert.pem"), "utf8");
    const client = relay.client("sk-test-flood");
    const ask = async (content: string) => {
      const asked = performance.now();
      await client.chat.completions.create({ model: "gpt-4.1-mini", messages: [{ role: "user", content }] });
      return performance.now() - asked;
    };
    await ask("warm");
    const quietMs = await ask("quiet");
    const rssBefore = rssMb(pid);
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssMb(pid))), 100);

    // 40 addresses, 50 connections each, half of each kind, sent in 10 waves over 4 s. The flood runs in a
    // thread of its own: its TLS work must not slow this thread, where the fake OpenAI and the paired client run.
    const flood = new Worker(new URL("../support/flood-worker.mjs", import.meta.url), {
      workerData: {
        port: relay.port,
        ca: cert,
        waves: 10,
        perWave: 200,
        waveMs: 400,
        addresses: Array.from({ length: 40 }, (_, i) => `127.0.1.${10 + i}`),
        heads: [PAIR_HEAD, V1_HEAD],
        boundMs: PAIR_BODY_MS * 3,
      },
    });
    let during: Promise<number> | undefined;
    const held = await new Promise<number[]>((resolve, reject) => {
      flood.on("error", reject);
      flood.on("message", (message: { wave?: number; lifetimes?: number[] }) => {
        if (message.lifetimes) resolve(message.lifetimes);
        else if (message.wave === 5) during = ask("during the flood");
      });
    });
    await flood.terminate();
    const answeredMs = await during!;
    clearInterval(sampler);
    const longest = Math.max(...held);
    console.log(
      `flood: 2,000 connections, longest held ${Math.round(longest)} ms, paired answer ${Math.round(answeredMs)} ms (${Math.round(quietMs)} ms before), RSS ${Math.round(rssBefore)} -> peak ${Math.round(rssPeak)} MB`,
    );
    expect(held).toHaveLength(2000);
    // The documented deadline for a stranger's request body, plus the time to notice it.
    expect(longest).toBeLessThan(PAIR_BODY_MS + 2000);
    expect(answeredMs).toBeLessThan(2000);
    expect(rssPeak - rssBefore).toBeLessThan(100);
    // Each cut-off pairing request is logged as what it is, never as an internal error.
    expect(relay.output()).toContain("(request_body_incomplete)");
    expect(relay.output()).not.toContain("relay_internal_error");
    // And the relay is whole afterwards.
    expect(await ask("after")).toBeLessThan(2000);
  }, 90_000);
});

describe("the whole-request deadline", () => {
  it("bounds the request, never the answer: a stream longer than the deadline arrives whole", async () => {
    const relay = await startRelayUnderTest(upstream.baseURL);
    // Node applies the longer of the two to an unfinished request: both short here, as REQUEST_MS is in use.
    relay.relay.server.headersTimeout = 500;
    relay.relay.server.requestTimeout = 1000;
    upstream.options = { words: Array.from({ length: 12 }, (_, i) => `w${i}`), chunkDelayMs: 200 };
    try {
      const stream = await relay.client("sk-test-deadline").chat.completions.create({
        model: "gpt-4.1-mini",
        messages: [{ role: "user", content: "long" }],
        stream: true,
      });
      let text = "";
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
      expect(text.split(" ").filter(Boolean)).toHaveLength(12);
      // A caller that never finishes its body is cut at the deadline.
      const answer = await relay.raw(
        "POST /v1/chat/completions HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
        5000,
      );
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      upstream.options = {};
      await relay.relay.stop(100);
    }
  }, 20_000);
});

describe("a stranger's unread body", () => {
  it("does not hold the connection: any answer given before the body arrived closes it", async () => {
    const relay = await startRelayUnderTest(upstream.baseURL);
    try {
      for (const head of [
        "GET /health HTTP/1.1\r\nHost: relay\r\nContent-Length: 4000\r\n\r\n",
        "POST /nowhere HTTP/1.1\r\nHost: relay\r\nContent-Length: 4000\r\n\r\n",
        "POST /v1/models HTTP/1.1\r\nHost: relay\r\nX-Passerelle-Token: psr_wrong\r\nContent-Length: 4000\r\n\r\n",
      ]) {
        const started = performance.now();
        const answer = await relay.raw(head, 5000);
        expect(answer).toMatch(/^HTTP\/1\.1 (200|401|404)/);
        expect(answer).toMatch(/\r\nconnection: close\r\n/i);
        expect(performance.now() - started).toBeLessThan(2000);
      }
    } finally {
      await relay.relay.stop(100);
    }
  }, 15_000);
});

/** Connections the relay process holds on its port (Linux: its sockets' inodes, looked up in /proc/net/tcp). */
function connectionsHeld(pid: number, port: number): number {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const link = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (link) inodes.add(link[1]!);
    } catch {
      // closed meanwhile
    }
  }
  const local = `:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  return readFileSync("/proc/net/tcp", "utf8")
    .split("\n")
    .slice(1)
    .filter((line) => {
      const fields = line.trim().split(/\s+/);
      // Fields: sl, local address, remote address, state (0A: listening), …, inode (the tenth).
      return fields[1]?.endsWith(local) && fields[3] !== "0A" && inodes.has(fields[9]!);
    }).length;
}

/**
 * A refused upgrade from a caller that never closes its side: a raw TCP connection that stays half open
 * after the relay's FIN (allowHalfOpen), as a flooder's would. Resolves once the relay has answered.
 */
function refusedUpgrade(port: number, ca: string, localAddress: string, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const raw = netConnect({ host: "127.0.0.1", port, localAddress, allowHalfOpen: true });
    raw.on("error", () => undefined);
    const socket = tlsConnect({ socket: raw, ca: [ca], checkServerIdentity: () => undefined });
    let answer = "";
    socket.on("secureConnect", () =>
      socket.write(`GET ${path} HTTP/1.1\r\nHost: relay\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n`),
    );
    socket.on("data", (chunk: Buffer) => {
      answer += chunk.toString("latin1");
      if (answer.includes("\r\n\r\n")) resolve(answer);
    });
    socket.on("error", reject);
  });
}

describe("a flood of refused WebSocket upgrades from one address", () => {
  it("leaves none of them open, and a paired device from that address is answered", async () => {
    const relay = await startRelayProcess(root, ["--no-mdns", "--upstream", upstream.baseURL]);
    try {
      const pid = relay.child.pid!;
      const cert = readFileSync(join(root, "passerelle-home", "relay-cert.pem"), "utf8");
      const address = "127.0.1.77";
      // 256 is the most one address may hold before its device showed a token: all of them taken.
      const answers = await Promise.all(
        Array.from({ length: 256 }, (_, i) =>
          refusedUpgrade(relay.port, cert, address, i % 2 ? "/nope" : "/v1/realtime?model=gpt-realtime"),
        ),
      );
      expect(answers.every((answer) => /^HTTP\/1\.1 (401|404|429)/.test(answer))).toBe(true);
      const deadline = performance.now() + 15_000;
      while (connectionsHeld(pid, relay.port) > 0 && performance.now() < deadline) await sleep(100);
      expect(connectionsHeld(pid, relay.port)).toBe(0);

      const dispatcher = new Agent({
        connect: { localAddress: address, ca: [cert], checkServerIdentity: () => undefined },
      });
      try {
        const answer = await undiciFetch(`https://127.0.0.1:${relay.port}/v1/models`, {
          dispatcher,
          headers: { authorization: "Bearer sk-test-upgrades", "x-passerelle-token": relay.token },
        });
        expect(answer.status).toBe(200);
      } finally {
        await dispatcher.close();
      }
    } finally {
      relay.child.kill("SIGKILL");
      await relay.exited;
      await relay.dispatcher.close();
    }
  }, 60_000);

  it("closes an upgrade still unchecked at the headers deadline", async () => {
    // With the global failure budget spent, each refusal waits 1 s: longer than this relay's deadline.
    const relay = await startRelayUnderTest(
      upstream.baseURL,
      { limits: { maxBodyBytes: 1_000_000, maxConcurrent: 10, headersMs: 300 } },
      { security: { throttle: { global: 2, perAddress: 100 } } },
    );
    try {
      const ask = () =>
        new Promise<{ answer: string; ms: number }>((resolve) => {
          const started = performance.now();
          const raw = netConnect({ host: "127.0.0.1", port: relay.relay.port, allowHalfOpen: true });
          const socket = tlsConnect({ socket: raw, ...relay.tls });
          let answer = "";
          socket.on("secureConnect", () =>
            socket.write(
              "GET /v1/realtime HTTP/1.1\r\nHost: relay\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
            ),
          );
          socket.on("data", (chunk: Buffer) => (answer += chunk.toString("latin1")));
          socket.on("error", () => undefined);
          socket.on("end", () => resolve({ answer, ms: performance.now() - started }));
          setTimeout(() => (socket.destroy(), resolve({ answer, ms: Infinity })), 5_000);
        });
      expect((await ask()).answer).toMatch(/^HTTP\/1\.1 401/);
      const late = await ask();
      expect(late.answer).toBe("");
      expect(late.ms).toBeLessThan(900);
    } finally {
      await relay.relay.stop(100);
    }
  }, 15_000);
});
