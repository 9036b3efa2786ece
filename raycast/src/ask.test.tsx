// @vitest-environment happy-dom
import { cleanup } from "@testing-library/react";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FakeOpenAIServer } from "../test/fake-openai-server";
import { closedPort } from "../test/ports";
import { raycast } from "../test/raycast-api-double";
import { markdown, metadata, renderCommand, runAction, waitUntilLoaded } from "../test/render";
import Ask from "./ask";

const server = new FakeOpenAIServer();
beforeAll(() => server.start());
afterAll(() => server.stop());
beforeEach(() => {
  raycast.reset();
  raycast.preferences.relayAddress = server.address;
  server.requests.length = 0;
  server.onChat = (_request, res) => FakeOpenAIServer.stream(res, ["**Paris** is", " the capital", " of France."]);
});
afterEach(cleanup);

function ask(question: string) {
  return renderCommand(<Ask arguments={{ question }} launchType={"userInitiated" as never} />);
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
    expect(request.body).toMatchObject({
      model: "gpt-4.1-mini",
      stream: true,
      stream_options: { include_usage: true },
    });
    expect((request.body.messages as { content: string }[]).at(-1)?.content).toBe("What is the capital of France?");
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

  it("says the relay is not running when nothing listens at the address", async () => {
    raycast.preferences.relayAddress = `127.0.0.1:${await closedPort()}`;
    ask("Capital?");
    await waitUntilLoaded();
    expect(raycast.toasts).toHaveLength(1);
    expect(raycast.toasts[0]).toMatchObject({ style: "failure", title: expect.stringMatching(/^Relay not running/) });
    expect(raycast.toasts[0].message).toMatch(/Start the relay/);
    expect(raycast.toasts[0].primaryAction?.title).toBe("Copy Error");
  });
});
