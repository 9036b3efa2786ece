import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fetch as undiciFetch } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tokenDigest } from "../../src/state/devices.js";
import { DEVICES_FILE } from "../../src/state/devices.js";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { startRelayProcess } from "../support/relay-process.js";

let upstream: FakeUpstream;
let root: string;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  root = mkdtempSync(join(tmpdir(), "passerelle-secrets-"));
}, 60_000);
afterAll(async () => {
  await upstream.close();
  rmSync(root, { recursive: true, force: true });
});

function allFiles(dir: string): Array<[string, string]> {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile())
    .map((path) => [path, readFileSync(path, "latin1")]);
}

describe("the relay keeps device tokens and keys to itself", () => {
  it("prints and writes neither the key nor the token, on good and failing requests; stores only the token's hash", async () => {
    const SECRET = "Zq7SecretKeyPart0042";
    const key = `sk-test-${SECRET}`;
    const WRONG = "psr_Wr0ngTokenDistinctive4711";
    const relay = await startRelayProcess(root, ["--verbose", "--no-mdns", "--upstream", upstream.baseURL]);
    const url = `https://127.0.0.1:${relay.port}/v1/models`;
    const send = (headers: Record<string, string>) =>
      undiciFetch(url, { dispatcher: relay.dispatcher, headers }).then((r) => r.status);
    try {
      const statuses = [
        await send({ authorization: `Bearer ${key}`, "x-passerelle-token": relay.token }),
        await send({ authorization: `Bearer ${relay.token}.${key}` }),
        await send({ authorization: `Bearer sk-test-bad-${SECRET}`, "x-passerelle-token": relay.token }),
        await send({ authorization: `Bearer ${key}`, "x-passerelle-token": WRONG }),
        await send({ authorization: `Bearer ${WRONG}.${key}` }),
        await send({ authorization: `Bearer ${key}`, "x-passerelle-token": WRONG + "x".repeat(10_000) }),
        await undiciFetch(`https://127.0.0.1:${relay.port}/pair`, {
          dispatcher: relay.dispatcher,
          method: "POST",
          body: JSON.stringify({ pin: "ZZZZ", name: WRONG }),
        }).then((r) => r.status),
      ];
      // The last: a wrong pairing code with no session open, answered as any wrong code (401).
      expect(statuses).toEqual([200, 200, 401, 401, 401, 401, 401]);
    } finally {
      relay.child.kill("SIGINT");
      await relay.exited;
      await relay.dispatcher.close();
    }
    const printed = relay.output();
    expect(printed).toContain("GET /v1/models 401");
    for (const [where, text] of [["printed", printed], ...allFiles(root)] as Array<[string, string]>) {
      expect(text.includes(SECRET), `the key in ${where}`).toBe(false);
      expect(text.includes(relay.token.slice(4)), `the device token in ${where}`).toBe(false);
      expect(text.includes("Wr0ngTokenDistinctive4711"), `the wrong token in ${where}`).toBe(false);
    }
    const devices = readFileSync(join(root, "passerelle-home", DEVICES_FILE), "utf8");
    expect(devices).toContain(tokenDigest(relay.token).toString("hex"));
  }, 30_000);
});
