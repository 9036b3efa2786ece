import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRelayProcess, type RelayProcess } from "./relay-process.js";

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
    // While the upstream reads nothing, the relay reads (almost) nothing from the caller either.
    const paused = samples.filter((sample) => sample.at < resumedAt - 50);
    expect(paused.length).toBeGreaterThan(5);
    expect(Math.max(...paused.map((sample) => sample.growth))).toBeLessThan(12);
    // Once flowing, what grows is garbage from passing chunks (it scales with speed, not with the part):
    // the part held whole would add 60 MB.
    expect(Math.max(...samples.map((sample) => sample.growth))).toBeLessThan(45);
  }, 60_000);

  it("still refuses a part larger than OpenAI's own limit, before sending anything", async () => {
    const answer = await relay
      .client("sk-test-upload-2")
      .uploads.parts.create("upload_abc", { data: new File([Buffer.alloc(66 * 1024 * 1024)], "big.bin") })
      .catch((error: unknown) => error as { status?: number; code?: string });
    expect(answer).toMatchObject({ status: 413, code: "request_too_large" });
  }, 60_000);
});
