// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FakeOpenAIServer } from "../test/fake-openai-server";
import { raycast } from "../test/raycast-api-double";
import { markdown, renderCommand, runAction, waitForDetail } from "../test/render";
import Ask from "./ask";

const server = new FakeOpenAIServer();
beforeAll(() => server.start());
afterAll(() => server.stop());
beforeEach(() => {
  raycast.reset();
  raycast.preferences.relayAddress = server.address;
  server.requests.length = 0;
  server.models = ["whisper-1", "gpt-4.1-mini", "llama3.2:3b", "gpt-4o", "text-embedding-3-small"];
  server.onChat = (request, res) =>
    FakeOpenAIServer.stream(res, [`Answer from ${String(request.body.model)}`], String(request.body.model));
});
afterEach(cleanup);

describe("Try Another Model", () => {
  it("lists the relay's chat models (cached) and answers again with the one picked", async () => {
    renderCommand(<Ask arguments={{ question: "Hi" }} launchType={"userInitiated" as never} />);
    await waitForDetail();
    await runAction("Try Another Model");
    await waitFor(() =>
      expect(screen.getAllByRole("listitem").map((item) => item.getAttribute("aria-label"))).toEqual([
        "gpt-4.1-mini",
        "gpt-4o",
        "llama3.2:3b",
      ]),
    );
    expect(screen.getByRole("listitem", { name: "gpt-4.1-mini" }).textContent).toContain("Current");
    fireEvent.click(within(screen.getByRole("listitem", { name: "llama3.2:3b" })).getByRole("menuitem"));
    await waitForDetail();
    await waitFor(() => expect(markdown()).toBe("Answer from llama3.2:3b"));
    expect(server.chatRequests.at(-1)?.body.model).toBe("llama3.2:3b");

    // The list is cached: opening it again does not ask the relay.
    const modelCalls = server.requests.filter((request) => request.url === "/v1/models").length;
    await runAction("Try Another Model");
    await screen.findByRole("listitem", { name: "gpt-4o" });
    expect(server.requests.filter((request) => request.url === "/v1/models").length).toBe(modelCalls);
    expect(modelCalls).toBe(1);
  });
});
