// @vitest-environment happy-dom
import { cleanup, screen, waitFor } from "@testing-library/react";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FakeOpenAIServer } from "../test/fake-openai-server";
import { closedPort } from "../test/ports";
import { raycast } from "../test/raycast-api-double";
import { renderCommand, runAction, waitUntilLoaded } from "../test/render";
import RelayStatus from "./relay-status";

const server = new FakeOpenAIServer();
beforeAll(() => server.start());
afterAll(() => server.stop());
beforeEach(() => {
  raycast.reset();
  raycast.preferences.relayAddress = server.address;
});
afterEach(cleanup);

describe("Relay Status", () => {
  it("shows that the relay answers, its latency and version", async () => {
    renderCommand(<RelayStatus />);
    await waitUntilLoaded();
    expect(screen.getByText(/^Relay answering in \d+ ms/)).toBeTruthy();
    expect(screen.getByText("Version 0.1.0")).toBeTruthy();
    expect(server.requests.at(-1)?.url).toBe("/health");
  });

  it("says what is wrong when nothing answers", async () => {
    raycast.preferences.relayAddress = `127.0.0.1:${await closedPort()}`;
    renderCommand(<RelayStatus />);
    await waitUntilLoaded();
    expect(screen.getByText(/^Relay not running/)).toBeTruthy();
    expect(screen.getByText(/Start the relay/)).toBeTruthy();
  });

  it("opens Ask and Chat", async () => {
    renderCommand(<RelayStatus />);
    await waitUntilLoaded();
    await runAction("Ask");
    await runAction("Chat");
    await waitFor(() =>
      expect(raycast.launched).toEqual([
        { name: "ask", type: "userInitiated" },
        { name: "chat", type: "userInitiated" },
      ]),
    );
  });
});
