import { createServer as createHttpServer } from "node:http";
import { createServer, type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { RELAY_ERROR_CODES, type RelayErrorCode } from "../../src/errors.js";
import { CONTROL_HEADER } from "../../src/auth/pairing-routes.js";
import { readRuntimeInfo } from "../../src/state/runtime-info.js";
import { sleep } from "../support/fixture.js";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { startRelayUnderTest, type RelayUnderTest } from "../support/relay-under-test.js";
import { extensionModule, type ExtensionPairing } from "../support/extension.js";
import { unansweringListener } from "../support/unanswering-listener.js";

/**
 * Every failure a person can meet through the relay, provoked on the real relay and received by the extension's
 * own client, then put into words by the extension's own `describeFailure`: none may fall to a generic message.
 */

interface FailureDescription {
  title: string;
  message: string;
  fix?: string;
}
interface ExtensionErrors {
  describeFailure(error: unknown, context?: { model?: string; address?: string }): FailureDescription;
}
interface ExtensionRelayWording {
  RELAY_FAILURES: Record<string, { title: string; message: string; fix?: string }>;
}
interface ExtensionClient {
  createRelayClient(connection: object, apiKey: string, options?: { maxRetries?: number; timeoutMs?: number }): unknown;
}
interface ExtensionCompletion {
  streamCompletion(
    client: unknown,
    request: { model: string; messages: Array<{ role: string; content: string }> },
    onDelta: (text: string) => void,
  ): Promise<{ text: string }>;
}

/** The extension's catch-all titles: reaching one means a failure the extension cannot explain. */
const GENERIC_TITLES = [
  "Something went wrong",
  "Request failed",
  "OpenAI had a problem",
  "OpenAI refused the request",
  "Cannot reach the relay",
];

const timeouts = { connectMs: 300, firstByteMs: 300, idleMs: 300 };
const question = { model: "gpt-4.1-mini", messages: [{ role: "user", content: "Bonjour ?" }] };

let errors: ExtensionErrors & ExtensionRelayWording;
let clientModule: ExtensionClient;
let completion: ExtensionCompletion;
let upstream: FakeUpstream;
let relay: RelayUnderTest;
const started: RelayUnderTest[] = [];

/** A relay in front of `target` with these settings, stopped after the file. */
async function relayFor(target: string, overrides = {}, security = {}): Promise<RelayUnderTest> {
  const running = await startRelayUnderTest(target, { timeouts, ...overrides }, { security });
  started.push(running);
  return running;
}

/** What Connect to Relay stores for `target` (its pinned certificate, a device token). */
function pairedWith(target: RelayUnderTest, deviceToken = target.token, certificatePem = target.certificatePem) {
  return { address: `https://127.0.0.1:${target.relay.port}`, scheme: "https", certificatePem, deviceToken };
}

/** Asks as the extension does (its client, its streaming) and returns what it threw. */
async function askThroughExtension(connection: object, apiKey = "sk-test-from-the-mac"): Promise<unknown> {
  const client = clientModule.createRelayClient(connection, apiKey, { maxRetries: 0, timeoutMs: 10_000 });
  return completion
    .streamCompletion(client, question, () => undefined)
    .then(
      (answer) => new Error(`expected a failure, got the answer "${answer.text}"`),
      (error: unknown) => error,
    );
}

/** Checks that the extension words the relay's `code` as that code's own failure, not a generic one. */
function expectWorded(error: unknown, code: RelayErrorCode): FailureDescription {
  expect((error as { code?: unknown }).code, String(error)).toBe(code);
  const failure = errors.describeFailure(error, { model: question.model });
  expect(failure.title).toBe(errors.RELAY_FAILURES[code]!.title);
  expect(GENERIC_TITLES).not.toContain(failure.title);
  return failure;
}

beforeAll(async () => {
  errors = {
    ...(await extensionModule<ExtensionErrors>("failures/describe.ts")),
    ...(await extensionModule<ExtensionRelayWording>("failures/relay-wording.ts")),
  };
  clientModule = await extensionModule<ExtensionClient>("relay/transport.ts");
  completion = await extensionModule<ExtensionCompletion>("openai/completion.ts");
  upstream = await startFakeUpstream();
  relay = await relayFor(upstream.baseURL);
});
afterAll(async () => {
  for (const running of started) await running.relay.stop(100);
  await upstream.close();
});

describe("the relay's failures, as the extension words them", () => {
  it("has a wording in the extension for every code the relay can send", () => {
    expect(RELAY_ERROR_CODES.filter((code) => !errors.RELAY_FAILURES[code])).toEqual([]);
  });

  it("OpenAI unreachable from the PC", async () => {
    const port = await closedPort();
    const cutOff = await relayFor(`http://127.0.0.1:${port}/v1`);
    expectWorded(await askThroughExtension(pairedWith(cutOff)), "upstream_unreachable");
  });

  it("connect timeout (an upstream that completes no TCP handshake)", async () => {
    if (process.platform === "win32") return; // the listener below needs SIGSTOP
    const { port, child, fillers } = await unansweringListener();
    try {
      const stalled = await relayFor(`http://127.0.0.1:${port}/v1`);
      expectWorded(await askThroughExtension(pairedWith(stalled)), "upstream_connect_timeout");
    } finally {
      for (const socket of fillers) socket.destroy();
      child.kill("SIGKILL");
    }
  });

  it("first-byte timeout", async () => {
    upstream.options = { firstByteDelayMs: 2_000 };
    expectWorded(await askThroughExtension(pairedWith(relay)), "upstream_first_byte_timeout");
  });

  it("idle timeout in the middle of the answer", async () => {
    upstream.options = { words: ["one", "two", "three"], chunkDelayMs: 1_500 };
    expectWorded(await askThroughExtension(pairedWith(relay)), "upstream_idle_timeout");
  });

  it("a stream cut by the upstream", async () => {
    upstream.options = { words: ["one", "two", "three", "four"], cutAfterChunks: 2 };
    expectWorded(await askThroughExtension(pairedWith(relay)), "upstream_closed");
  });

  it("a redirect from the upstream", async () => {
    upstream.options = { redirectTo: "https://elsewhere.invalid/v1/chat/completions" };
    expectWorded(await askThroughExtension(pairedWith(relay)), "upstream_redirect");
  });

  it("a request larger than the relay accepts", async () => {
    upstream.options = {};
    const base = loadConfig(["--upstream", upstream.baseURL], {});
    const small = await relayFor(upstream.baseURL, { limits: { ...base.limits, maxBodyBytes: 2_000 } });
    const client = clientModule.createRelayClient(pairedWith(small), "sk-test-from-the-mac", { maxRetries: 0 });
    const long = { ...question, messages: [{ role: "user", content: "x".repeat(10_000) }] };
    const error = await completion.streamCompletion(client, long, () => undefined).catch((e: unknown) => e);
    expectWorded(error, "request_too_large");
  });

  it("the relay busy with as many requests as it takes", async () => {
    const busy = await relayFor(upstream.baseURL, {
      limits: { ...loadConfig(["--upstream", upstream.baseURL], {}).limits, maxConcurrent: 1 },
    });
    upstream.options = { words: ["held", "back"], holdAfterFirstChunk: true };
    const first = clientModule.createRelayClient(pairedWith(busy), "sk-test-from-the-mac", { maxRetries: 0 });
    const held = completion.streamCompletion(first, question, () => undefined).catch(() => undefined);
    await sleep(200);
    try {
      expectWorded(await askThroughExtension(pairedWith(busy)), "relay_busy");
    } finally {
      upstream.release();
      await held;
    }
  });

  it("a device token the relay does not know: Connect to Relay is the fix", async () => {
    const failure = expectWorded(
      await askThroughExtension(pairedWith(relay, "psr_not_a_token_of_this_relay")),
      "device_token_invalid",
    );
    expect(failure.fix).toBe("connect-to-relay");
  });

  it("a device revoked on the PC: Connect to Relay is the fix", async () => {
    upstream.options = {};
    const { token } = relay.relay.security.devices.add("revoked-mac", "app");
    // Paired, it gets an answer; revoked, the same token is refused.
    expect(String(await askThroughExtension(pairedWith(relay, token)))).toContain("expected a failure, got the answer");
    relay.relay.security.devices.remove("revoked-mac");
    const failure = expectWorded(await askThroughExtension(pairedWith(relay, token)), "device_token_invalid");
    expect(failure.fix).toBe("connect-to-relay");
  });

  it("the lockout after too many failed attempts, with the wait", async () => {
    const guarded = await relayFor(upstream.baseURL, {}, { throttle: { perAddress: 2 } });
    let error: unknown;
    for (let i = 0; i < 4; i++) error = await askThroughExtension(pairedWith(guarded, `psr_wrong_${i}`));
    const failure = expectWorded(error, "too_many_failures");
    expect(failure.message).toMatch(/Try again in \d+ s\./);
  });
});

describe("the upstream's own errors, as the extension words them", () => {
  it("an upstream error whose code is one of the relay's (invalid_json): the upstream's, not the relay's", async () => {
    const message = "We could not parse the JSON body of your request.";
    const openai = createHttpServer((_req, res) => {
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message, type: "invalid_request_error", param: null, code: "invalid_json" } }));
    });
    await new Promise<void>((resolve) => openai.listen(0, "127.0.0.1", resolve));
    try {
      const port = (openai.address() as AddressInfo).port;
      const error = await askThroughExtension(pairedWith(await relayFor(`http://127.0.0.1:${port}/v1`)));
      expect(error).toMatchObject({ status: 400, code: "invalid_json", type: "invalid_request_error" });
      const failure = errors.describeFailure(error, { model: question.model });
      expect(failure.title).not.toBe(errors.RELAY_FAILURES.invalid_json!.title);
      expect(failure).toMatchObject({ title: "OpenAI refused the request", message: `400 ${message}` });
    } finally {
      openai.closeAllConnections();
      await new Promise((resolve) => openai.close(resolve));
    }
  });
});

describe("pairing's failures, as Connect to Relay words them", () => {
  /** Pairs as Connect to Relay does, with `code`, and returns what it threw. */
  async function pairWith(code: string): Promise<unknown> {
    const { pairWithRelay } = await extensionModule<ExtensionPairing>("relay/pairing.ts");
    const address = `127.0.0.1:${relay.relay.port}`;
    return pairWithRelay({ address, code, deviceName: "Mac" }).then(
      () => new Error("expected pairing to fail"),
      (error: unknown) => error,
    );
  }

  /** The code the relay shows when pairing opens, as `passerelle pair` asks for it. */
  async function openPairing(): Promise<string> {
    const runtime = readRuntimeInfo(relay.home)!;
    const opened = await relay.fetch(`https://127.0.0.1:${runtime.port}/control/pairing`, {
      method: "POST",
      headers: { [CONTROL_HEADER]: runtime.control },
    });
    return ((await opened.json()) as { code: string }).code;
  }

  it("a code used already (the relay gives one answer for every refused code)", async () => {
    const code = await openPairing();
    expect(String(await pairWith(code))).toContain("expected pairing to fail"); // paired: the code is spent
    expectWorded(await pairWith(code), "pairing_code_wrong");
  });

  it("a wrong code (the relay's certificate part, another PIN)", async () => {
    const code = await openPairing();
    const last = code.at(-1) === "0" ? "1" : "0"; // another PIN, the same relay
    expectWorded(await pairWith(code.slice(0, -1) + last), "pairing_code_wrong");
  });
});

describe("failures before the relay answers, as the extension words them", () => {
  it("a relay that is not running: not running, with the address", async () => {
    const stopped = await startRelayUnderTest(upstream.baseURL);
    const connection = pairedWith(stopped);
    await stopped.relay.stop(100);
    const error = await askThroughExtension(connection);
    const failure = errors.describeFailure(error, { address: connection.address });
    expect(failure.title).toBe(`Relay not running (${connection.address})`);
  });

  it("another relay at the paired address (another certificate): a certificate refusal", async () => {
    const other = await relayFor(upstream.baseURL);
    const error = await askThroughExtension(pairedWith(other, other.token, relay.certificatePem));
    const failure = errors.describeFailure(error);
    expect(failure.title).toBe("Relay certificate does not match");
    expect(failure.fix).toBe("connect-to-relay");
  });

  it("an answer goes through when nothing fails (the same client and relay)", async () => {
    upstream.options = { words: ["Bonjour"] };
    const client = clientModule.createRelayClient(pairedWith(relay), "sk-test-from-the-mac", { maxRetries: 0 });
    expect(await completion.streamCompletion(client, question, () => undefined)).toMatchObject({ text: "Bonjour" });
  });
});

/** A loopback port where nothing listens. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
