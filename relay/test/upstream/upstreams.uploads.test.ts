import { createHash } from "node:crypto";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { READ_AHEAD_BYTES } from "../../src/upstream/request-body.js";
import { sleep } from "../support/fixture.js";
import { startRelayProcess, type RelayProcess } from "../support/relay-process.js";
import { startRelayUnderTest } from "../support/relay-under-test.js";

/** What the upstream saw of one body, without keeping it: its size, hash, and both ends. */
interface Received {
  path: string;
  size: number;
  sha256: string;
  head: Buffer;
  tail: Buffer;
}

const received: Received[] = [];
let upstream: Server;
let relay: RelayProcess;
let root: string;
/** When the upstream started reading the current body (performance.now()). */
let resumedAt = Infinity;

/** Resident memory of a process, in MB. */
const rssMB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;

beforeAll(async () => {
  upstream = createServer((req, res) => {
    const hash = createHash("sha256");
    let size = 0;
    let head = Buffer.alloc(0);
    let tail = Buffer.alloc(0);
    // Reads nothing for a second: a relay that does not hold back the caller would have to buffer.
    req.pause();
    setTimeout(() => {
      resumedAt = performance.now();
      req.resume();
    }, 1000);
    req.on("data", (chunk: Buffer) => {
      hash.update(chunk);
      size += chunk.length;
      if (head.length < 1024) head = Buffer.concat([head, chunk.subarray(0, 1024 - head.length)]);
      tail = Buffer.concat([tail, chunk]).subarray(-1024);
    });
    req.on("end", () => {
      received.push({ path: req.url ?? "", size, sha256: hash.digest("hex"), head, tail });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ id: "part_1", object: "upload.part", created_at: 1, upload_id: "upload_abc" }));
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  root = mkdtempSync(join(tmpdir(), "passerelle-uploads-"));
  const port = (upstream.address() as AddressInfo).port;
  relay = await startRelayProcess(root, ["--no-mdns", "--upstream", `http://127.0.0.1:${port}/v1`]);
}, 60_000);

afterAll(async () => {
  relay?.child.kill("SIGKILL");
  await relay?.exited;
  await relay?.dispatcher.close();
  upstream?.closeAllConnections();
  await new Promise((resolve) => upstream?.close(resolve));
  rmSync(root, { recursive: true, force: true });
});

describe("uploads", () => {
  it("forwards a 60 MB part of an upload, streamed: the relay's memory does not grow by the part", async () => {
    const client = relay.client("sk-test-upload-1");
    const size = 60 * 1024 * 1024;
    const data = Buffer.alloc(size);
    for (let i = 0; i < size; i += 4096) data.writeUInt32LE(i, i);
    // One small request first, so the relay's own warm-up is not counted as growth.
    await client.uploads.parts.create("upload_abc", { data: new File([Buffer.from("warm")], "warm.bin") });
    received.length = 0;

    const before = rssMB(relay.child.pid!);
    resumedAt = Infinity;
    const samples: Array<{ at: number; growth: number }> = [];
    const sampler = setInterval(() => {
      samples.push({ at: performance.now(), growth: rssMB(relay.child.pid!) - before });
    }, 50);
    const part = await client.uploads.parts
      .create("upload_abc", { data: new File([data], "part.bin") })
      .finally(() => clearInterval(sampler));

    expect(part).toMatchObject({ id: "part_1", object: "upload.part" });
    expect(received).toHaveLength(1);
    const got = received[0]!;
    expect(got.path).toBe("/v1/uploads/upload_abc/parts");
    // The bytes that arrived are the multipart envelope around exactly the part's data.
    const start = got.head.indexOf("\r\n\r\n") + 4;
    const end = got.tail.lastIndexOf("\r\n--");
    expect(start).toBeGreaterThan(4);
    expect(got.size - start - (got.tail.length - end)).toBe(size);
    const expected = createHash("sha256")
      .update(got.head.subarray(0, start))
      .update(data)
      .update(got.tail.subarray(end))
      .digest("hex");
    expect(got.sha256).toBe(expected);
    // While the upstream reads nothing, the relay reads no more from the caller than its read-ahead
    // (which lets it see a caller leave), never the part.
    const paused = samples.filter((sample) => sample.at < resumedAt - 50);
    expect(paused.length).toBeGreaterThan(5);
    expect(Math.max(...paused.map((sample) => sample.growth))).toBeLessThan(READ_AHEAD_BYTES / 1024 / 1024 + 8);
    // Once flowing, what grows is garbage from passing chunks (it scales with speed, not with the part), on
    // top of the read-ahead just given back (RSS shrinks later): the part held whole would add 60 MB.
    expect(Math.max(...samples.map((sample) => sample.growth))).toBeLessThan(45 + READ_AHEAD_BYTES / 1024 / 1024);
  }, 60_000);

  it("still refuses a part larger than OpenAI's own limit, before sending anything", async () => {
    const answer = await relay
      .client("sk-test-upload-2")
      .uploads.parts.create("upload_abc", { data: new File([Buffer.alloc(66 * 1024 * 1024)], "big.bin") })
      .catch((error: unknown) => error as { status?: number; code?: string });
    expect(answer).toMatchObject({ status: 413, code: "request_too_large" });
  }, 60_000);
});

/** Whether the TCP connection from local port `from` to port `to` on this machine is still established (Linux). */
function established(from: number, to: number): boolean {
  const hex = (port: number) => port.toString(16).toUpperCase().padStart(4, "0");
  return readFileSync("/proc/net/tcp", "utf8")
    .split("\n")
    .some((line) => {
      const [, local, remote, state] = line.trim().split(/\s+/);
      return local?.endsWith(`:${hex(from)}`) && remote?.endsWith(`:${hex(to)}`) && state === "01";
    });
}

describe("an upload abandoned while the upstream stalls", () => {
  it("aborts the upstream request within 1 s of the caller leaving", async () => {
    // An upstream that takes the request's headers and then reads nothing more: it cannot see the relay
    // give up (that would take reading), so the relay's side of the connection is looked at instead.
    let relaySide = 0;
    const stalled = createServer((req) => {
      req.pause();
      relaySide = req.socket.remotePort!;
    });
    await new Promise<void>((resolve) => stalled.listen(0, "127.0.0.1", resolve));
    const upstreamPort = (stalled.address() as AddressInfo).port;
    const relay = await startRelayUnderTest(`http://127.0.0.1:${upstreamPort}/v1`);
    try {
      const size = 20_000_000;
      const socket = connect({ host: "127.0.0.1", port: relay.relay.port, ...relay.tls });
      await once(socket, "secureConnect");
      socket.write(
        "POST /v1/audio/transcriptions HTTP/1.1\r\nHost: relay\r\nAuthorization: Bearer sk-test-abandon\r\n" +
          `X-Passerelle-Token: ${relay.token}\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: ${size}\r\n\r\n`,
      );
      // 12 MB of the 20 MB announced, then the caller leaves: far more than the stalled upstream took.
      socket.write(Buffer.alloc(12_000_000, 0x61));
      await sleep(500);
      expect(established(relaySide, upstreamPort)).toBe(true);
      const left = performance.now();
      socket.destroy();
      while (established(relaySide, upstreamPort) && performance.now() - left < 3000) await sleep(20);
      expect(performance.now() - left).toBeLessThan(1000);
      await sleep(50);
      expect(relay.logs.at(-1)).toMatchObject({ path: "/v1/audio/transcriptions", failure: "caller_gone" });
    } finally {
      await relay.relay.stop(100);
      stalled.closeAllConnections();
      await new Promise((resolve) => stalled.close(resolve));
    }
  }, 20_000);
});
