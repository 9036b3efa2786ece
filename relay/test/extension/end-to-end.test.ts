import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readRuntimeInfo } from "../../src/state/runtime-info.js";
import { CONTROL_HEADER } from "../../src/auth/pairing-routes.js";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { startRelayUnderTest, type RelayUnderTest } from "../support/relay-under-test.js";
import { extensionModule, type ExtensionPairing } from "../support/extension.js";

/** The parts of the extension's client this test drives (its plain modules, no React). */
interface ExtensionClient {
  createRelayClient(connection: object, apiKey: string): unknown;
}
interface ExtensionCompletion {
  streamCompletion(
    client: unknown,
    request: { model: string; messages: Array<{ role: string; content: string }> },
    onDelta: (text: string) => void,
  ): Promise<{ text: string; model: string; usage?: { prompt: number; completion: number } }>;
}

let upstream: FakeUpstream;
let relay: RelayUnderTest;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  relay = await startRelayUnderTest(upstream.baseURL);
});
afterAll(async () => {
  await relay.relay.stop(100);
  await upstream.close();
});

describe("a question from the extension, through the relay, to OpenAI and back", () => {
  it("pairs, then streams an answer with the Mac's key, chunk by chunk", async () => {
    const runtime = readRuntimeInfo(relay.home)!;
    const opened = await relay.fetch(`https://127.0.0.1:${runtime.port}/control/pairing`, {
      method: "POST",
      headers: { [CONTROL_HEADER]: runtime.control },
    });
    const { code } = (await opened.json()) as { code: string };

    const { pairWithRelay } = await extensionModule<ExtensionPairing>("relay/pairing.ts");
    const { createRelayClient } = await extensionModule<ExtensionClient>("relay/transport.ts");
    const { streamCompletion } = await extensionModule<ExtensionCompletion>("openai/completion.ts");

    const connection = await pairWithRelay({ address: `127.0.0.1:${relay.relay.port}`, code, deviceName: "Mac" });
    const client = createRelayClient(connection, "sk-test-from-the-mac");
    upstream.options = { words: ["Bonjour", "depuis", "le", "PC"] };
    const deltas: string[] = [];
    const answer = await streamCompletion(
      client,
      { model: "gpt-4.1-mini", messages: [{ role: "user", content: "Dis bonjour" }] },
      (text) => deltas.push(text),
    );

    expect(deltas).toEqual(["Bonjour", " depuis", " le", " PC"]);
    expect(answer).toMatchObject({ text: "Bonjour depuis le PC", model: "gpt-4.1-mini", usage: { completion: 4 } });
    // OpenAI's models are asked through the Responses API, with OpenAI told to keep nothing.
    const call = upstream.requests.find((r) => r.path === "/v1/responses")!;
    // OpenAI saw the Mac's key, and nothing of the relay's own token.
    expect(call.headers.authorization).toBe("Bearer sk-test-from-the-mac");
    expect(call.headers["x-passerelle-token"]).toBeUndefined();
    expect(JSON.parse(call.body)).toMatchObject({ model: "gpt-4.1-mini", stream: true, store: false });
  });
});
