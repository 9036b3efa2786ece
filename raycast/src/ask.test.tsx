// @vitest-environment happy-dom

import { RELAY_ERROR_TYPE } from "./failures/classify";
import { beforeEach, describe, expect, it } from "vitest";
import { FakeOpenAIServer, TEST_DEVICE_TOKEN } from "../test/fake-openai-server";
import { usePairedFakeRelay } from "../test/paired-relay";
import { closedPort } from "../test/ports";
import { raycast } from "../test/raycast-api-double";
import { fakeNetwork, markdown, metadata, renderCommand, runAction, visible, waitUntilLoaded } from "../test/render";
import { waitFor } from "@testing-library/react";
import { PAIRED_RELAY_KEY } from "./relay/connection";
import Ask from "./ask";

const server = usePairedFakeRelay();
beforeEach(() => {
  server.onChat = (_request, res) => FakeOpenAIServer.stream(res, ["**Paris** is", " the capital", " of France."]);
});

/** The History entries in storage, by key. */
function historyEntries(): Record<string, unknown> {
  return Object.fromEntries(
    [...raycast.storage]
      .filter(([key]) => key.startsWith("history:"))
      .map(([key, value]) => [key, JSON.parse(String(value))]),
  );
}

// The network is the tests' own (fakeNetwork): they say where, or whether, the relay is found again.
function ask(question: string, network = fakeNetwork()) {
  return renderCommand(<Ask arguments={{ question }} launchType={"userInitiated" as never} />, network);
}

describe("Ask", () => {
  it("streams the answer from the relay into the Detail, with the model and tokens", async () => {
    ask("What is the capital of France?");
    await waitUntilLoaded();
    expect(markdown()).toBe("**Paris** is the capital of France.");
    expect(metadata("Model")).toBe("gpt-4.1-mini");
    expect(metadata("Tokens")).toBe("12 in · 3 out");
    expect(metadata("Time")).toMatch(/ms|s$/);

    const [request] = server.chatRequests;
    expect(request.headers.authorization).toBe("Bearer sk-test-key");
    expect(request.headers["x-passerelle-token"]).toBe(TEST_DEVICE_TOKEN);
    // OpenAI's models answer through the Responses API, and OpenAI is asked to keep nothing.
    expect(request.url).toBe("/v1/responses");
    expect(request.body).toMatchObject({ model: "gpt-4.1-mini", stream: true, store: false });
    expect((request.messages as { content: string }[]).at(-1)?.content).toBe("What is the capital of France?");
  });

  it("copies and pastes the answer", async () => {
    ask("Capital?");
    await waitUntilLoaded();
    await runAction("Copy Answer");
    await runAction("Paste Answer");
    expect(raycast.copied).toEqual(["**Paris** is the capital of France."]);
    expect(raycast.pasted).toEqual(["**Paris** is the capital of France."]);
  });

  it("asks again with a new request", async () => {
    ask("Capital?");
    await waitUntilLoaded();
    server.onChat = (_request, res) => FakeOpenAIServer.stream(res, ["Second answer."]);
    await runAction("Ask Again");
    await waitUntilLoaded();
    expect(markdown()).toBe("Second answer.");
    expect(server.chatRequests).toHaveLength(2);
  });

  it("asked again mid-stream, shows the new answer streaming: the first one's end changes nothing", async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let turn = 0;
    server.onChat = async (_request, res) => {
      const first = ++turn === 1;
      FakeOpenAIServer.openStream(res);
      FakeOpenAIServer.writeText(res, first ? "First, half" : "Second");
      if (first) return; // never ends: Ask Again cancels it
      await held;
      FakeOpenAIServer.writeText(res, " answer.");
      FakeOpenAIServer.endStream(res);
    };
    ask("Capital?");
    await waitFor(() => expect(markdown()).toBe("First, half"));
    await runAction("Ask Again");
    await waitFor(() => expect(markdown()).toBe("Second"));
    await new Promise((resolve) => setTimeout(resolve, 100)); // time for the first request's end to come through
    expect(visible("[aria-busy='true']")).toHaveLength(1);
    expect(metadata("Status")).toBeUndefined();
    release();
    await waitUntilLoaded();
    expect(markdown()).toBe("Second answer.");
    expect(raycast.toasts).toHaveLength(0);
  });

  it("shows one toast that says to check the key when OpenAI refuses it", async () => {
    server.onChat = (_request, res) =>
      FakeOpenAIServer.error(res, 401, {
        message: "Incorrect API key provided: sk-test-k***",
        type: "invalid_request_error",
        code: "invalid_api_key",
      });
    ask("Capital?");
    await waitUntilLoaded();
    expect(raycast.toasts).toHaveLength(1);
    expect(raycast.toasts[0]).toMatchObject({ style: "failure", title: "API key refused by OpenAI" });
    expect(raycast.toasts[0].primaryAction?.title).toBe("Open Preferences");
    expect(markdown()).toContain("API key refused by OpenAI");
  });

  it("offers Connect to Relay in the toast when the relay no longer knows this Mac (revoked)", async () => {
    server.onChat = (_request, res) =>
      FakeOpenAIServer.error(res, 401, {
        message: "This device is not paired with the relay.",
        type: RELAY_ERROR_TYPE,
        code: "device_token_invalid",
      });
    ask("Capital?");
    await waitUntilLoaded();
    expect(raycast.toasts).toHaveLength(1);
    expect(raycast.toasts[0]).toMatchObject({ style: "failure", title: "Mac not paired with this relay" });
    expect(raycast.toasts[0].primaryAction?.title).toBe("Connect to Relay");
    expect(raycast.toasts[0].secondaryAction?.title).toBe("Copy Error");
    raycast.toasts[0].primaryAction?.onAction(raycast.toasts[0]);
    expect(raycast.launched).toEqual([{ name: "connect-to-relay", type: "userInitiated" }]);
  });

  it("leaves History unchanged when the request fails before any answer (a toast, not an entry)", async () => {
    const earlier = { id: "earlier", kind: "ask", title: "Before", messages: [], answer: "Kept.", model: "m" };
    raycast.storage.set("history:earlier", JSON.stringify({ ...earlier, status: "done", createdAt: 1, updatedAt: 1 }));
    const before = historyEntries();
    server.onChat = (_request, res) =>
      FakeOpenAIServer.error(res, 502, { message: "down", type: RELAY_ERROR_TYPE, code: "upstream_unreachable" });
    ask("Capital?");
    await waitUntilLoaded();
    expect(raycast.toasts[0]).toMatchObject({ title: "PC cannot reach OpenAI" });
    expect(historyEntries()).toEqual(before);
  });

  it("replaces its History entry on Ask Again instead of adding one", async () => {
    ask("Capital?");
    await waitUntilLoaded();
    server.onChat = (_request, res) => FakeOpenAIServer.stream(res, ["Second answer."]);
    await runAction("Ask Again");
    await waitUntilLoaded();
    const entries = Object.values(historyEntries());
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ title: "Capital?", answer: "Second answer.", status: "done" });
  });

  it("says, in one toast, that this Mac is not paired, and opens Connect to Relay", async () => {
    raycast.storage.delete(PAIRED_RELAY_KEY);
    ask("Capital?");
    await waitUntilLoaded();
    expect(raycast.toasts).toHaveLength(1);
    expect(raycast.toasts[0]).toMatchObject({
      style: "failure",
      title: "This Mac is not paired with a relay yet",
      message:
        "Run Connect to Relay in Raycast, and on the PC press p in the relay's window or run `npx passerelle pair`.",
    });
    expect(raycast.toasts[0].secondaryAction?.title).toBe("Copy Error");
    raycast.toasts[0].primaryAction?.onAction(raycast.toasts[0]);
    expect(raycast.launched).toEqual([{ name: "connect-to-relay", type: "userInitiated" }]);
    expect(server.requests).toHaveLength(0);
    expect([...raycast.storage.keys()]).toEqual([]); // nothing kept in History either
  });

  it("finds the relay again by id when its address stopped answering, answers from there, and keeps it", async () => {
    const stale = server.pair(`127.0.0.1:${await closedPort()}`);
    const network = fakeNetwork([{ relayId: stale.relayId, name: "Passerelle", address: server.address }]);
    ask("Capital?", network);
    await waitUntilLoaded();
    expect(markdown()).toBe("**Paris** is the capital of France.");
    expect(raycast.toasts).toHaveLength(0);
    expect(network.findRelayById).toHaveBeenCalledWith(
      stale.relayId,
      expect.objectContaining({ timeoutMs: expect.any(Number) }),
    );
    expect(server.chatRequests).toHaveLength(1);
    expect(server.chatRequests[0].headers["x-passerelle-token"]).toBe(TEST_DEVICE_TOKEN);
    expect(JSON.parse(String(raycast.storage.get(PAIRED_RELAY_KEY)))).toEqual({
      ...stale,
      address: `https://${server.address}`,
    });
  });

  it("says what to check, in one toast with Connect to Relay, when the relay is not found again", async () => {
    const stale = server.pair(`127.0.0.1:${await closedPort()}`);
    const network = fakeNetwork();
    ask("Capital?", network);
    await waitUntilLoaded();
    expect(raycast.toasts).toHaveLength(1);
    expect(raycast.toasts[0]).toMatchObject({ style: "failure", title: `Relay not running (${stale.address})` });
    expect(raycast.toasts[0].message).toMatch(/same Wi-Fi.*relay started.*npx passerelle setup.*Connect to Relay/);
    expect(raycast.toasts[0].primaryAction?.title).toBe("Connect to Relay");
    expect(JSON.parse(String(raycast.storage.get(PAIRED_RELAY_KEY)))).toEqual(stale);
  });

  it("refuses a relay whose certificate is not the paired one, without looking elsewhere", async () => {
    const other = await new FakeOpenAIServer().start();
    try {
      const impostor = other.pairedRelay(server.address); // the address of one, the certificate of another
      raycast.storage.set(PAIRED_RELAY_KEY, JSON.stringify(impostor));
      const network = fakeNetwork();
      ask("Capital?", network);
      await waitUntilLoaded();
      expect(raycast.toasts).toHaveLength(1);
      expect(raycast.toasts[0]).toMatchObject({ title: "Relay certificate does not match" });
      expect(raycast.toasts[0].message).toMatch(/pair again with Connect to Relay/);
      expect(raycast.toasts[0].primaryAction?.title).toBe("Connect to Relay");
      expect(network.findRelayById).not.toHaveBeenCalled();
      expect(server.chatRequests).toHaveLength(0);
    } finally {
      await other.stop();
    }
  });
});
