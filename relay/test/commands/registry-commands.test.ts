import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { relayDir } from "../../scripts/build-relay.ts";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { startRelayUnderTest, type RelayUnderTest } from "../support/relay-under-test.js";

/** A thread that runs `passerelle …` commands from the built relay, as a separate process would. */
interface CommandThread {
  run(argv: string[], home: string): Promise<{ code: number; out: string; err: string }>;
  stop(): Promise<number>;
}

async function commandThread(): Promise<CommandThread> {
  const worker = new Worker(new URL("../support/registry-worker.mjs", import.meta.url), {
    workerData: { dispatch: pathToFileURL(join(relayDir, "dist", "commands", "dispatch.js")).href },
  });
  await new Promise<void>((resolve, reject) => {
    worker.once("message", () => resolve());
    worker.once("error", reject);
  });
  return {
    run: (argv, home) =>
      new Promise((resolve) => {
        worker.once("message", resolve);
        worker.postMessage({ argv, home });
      }),
    stop: () => worker.terminate(),
  };
}

let upstream: FakeUpstream;
let threads: CommandThread[];
/** The checks below send 30 revoked tokens from one address on purpose: no lockout in the way of counting them. */
const security = { throttle: { perAddress: 1000, global: 1000 } };

beforeAll(async () => {
  upstream = await startFakeUpstream();
  threads = await Promise.all(Array.from({ length: 20 }, () => commandThread()));
}, 120_000);
afterAll(async () => {
  await Promise.all(threads.map((t) => t.stop()));
  await upstream.close();
});

/** `pair --cli NAME --json` in a thread: the token. */
async function pairCli(thread: CommandThread, home: string, name: string): Promise<string> {
  const { code, out, err } = await thread.run(["pair", "--cli", name, "--json"], home);
  expect(code, err).toBe(0);
  return (JSON.parse(out) as { token: string }).token;
}

/** The status /v1/models answers a device token with. */
async function statusFor(relay: RelayUnderTest, token: string): Promise<number> {
  const res = await relay.fetch(`${relay.baseURL}/models`, {
    headers: { authorization: "Bearer sk-test-registry", "x-passerelle-token": token },
  });
  await res.arrayBuffer();
  return res.status;
}

describe.each([
  ["running", true],
  ["stopped", false],
])("the device registry with the relay %s", (_, running) => {
  let home: string;
  let relay: RelayUnderTest | undefined;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), "passerelle-registry-"));
    if (running) relay = await startRelayUnderTest(upstream.baseURL, {}, { home, security });
  });
  afterAll(async () => {
    await relay?.relay.stop(100);
    rmSync(home, { recursive: true, force: true });
  });
  /** The relay that checks the tokens: the one running, or one started on the same folder afterwards. */
  async function checking<T>(check: (relay: RelayUnderTest) => Promise<T>): Promise<T> {
    if (relay) return check(relay);
    const after = await startRelayUnderTest(upstream.baseURL, {}, { home, security });
    try {
      return await check(after);
    } finally {
      await after.relay.stop(100);
    }
  }

  it("keeps every token of 20 concurrent `pair --cli`", async () => {
    const tokens = await Promise.all(threads.map((thread, i) => pairCli(thread, home, `script-${i}`)));
    expect(new Set(tokens).size).toBe(20);
    const statuses = await checking((r) => Promise.all(tokens.map((token) => statusFor(r, token))));
    expect(statuses).toEqual(tokens.map(() => 200));
  }, 60_000);

  it("refuses a revoked token in each of 30 trials of `revoke` racing 6 `pair --cli`", async () => {
    const revoked: string[] = [];
    const kept: string[] = [];
    for (let trial = 0; trial < 30; trial++) {
      const victim = `victim-${trial}`;
      revoked.push(await pairCli(threads[0]!, home, victim));
      const [revoking, ...pairing] = await Promise.all([
        threads[0]!.run(["revoke", victim], home),
        ...threads.slice(1, 7).map((thread, i) => pairCli(thread, home, `racer-${trial}-${i}`)),
      ]);
      expect((revoking as { code: number }).code).toBe(0);
      kept.push(...(pairing as string[]));
    }
    const { refused, working } = await checking(async (r) => ({
      refused: await Promise.all(revoked.map((token) => statusFor(r, token))),
      working: await Promise.all(kept.map((token) => statusFor(r, token))),
    }));
    expect(refused).toEqual(revoked.map(() => 401));
    expect(working).toEqual(kept.map(() => 200));
  }, 120_000);
});
