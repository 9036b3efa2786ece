// @vitest-environment happy-dom
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import { FakeOpenAIServer } from "../test/fake-openai-server";
import { usePairedFakeRelay } from "../test/paired-relay";
import { closedPort } from "../test/ports";
import { raycast } from "../test/raycast-api-double";
import { markdown, renderCommand, runAction, waitForDetail } from "../test/render";
import { PAIRED_RELAY_KEY } from "./relay/connection";
import { MODELS_TTL_MS } from "./openai/models";
import Ask from "./ask";
import { ModelPicker } from "./components/model-picker";

const server = usePairedFakeRelay();
beforeEach(() => {
  server.models = ["whisper-1", "gpt-4.1-mini", "llama3.2:3b", "gpt-4o", "text-embedding-3-small"];
  server.onChat = (request, res) =>
    FakeOpenAIServer.stream(res, [`Answer from ${String(request.body.model)}`], String(request.body.model));
});

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

  it("shows the last list it had when the relay does not answer, and the failure when it has none", async () => {
    const address = `127.0.0.1:${await closedPort()}`;
    // No relay id: nothing to look for on the network.
    raycast.storage.set(PAIRED_RELAY_KEY, JSON.stringify({ ...server.pairedRelay(address), relayId: undefined }));
    const stale = { baseURL: `https://${address}/v1`, at: Date.now() - 2 * MODELS_TTL_MS, ids: ["gpt-4o"] };
    raycast.storage.set("models-cache", JSON.stringify(stale));
    const view = renderCommand(<ModelPicker current="gpt-4.1-mini" onPick={() => undefined} />);
    expect(await screen.findByRole("listitem", { name: "gpt-4o" })).toBeTruthy();
    view.unmount();
    raycast.storage.delete("models-cache");
    renderCommand(<ModelPicker current="gpt-4.1-mini" onPick={() => undefined} />);
    expect(await screen.findByText(`Relay not running (https://${address})`)).toBeTruthy();
  });

  it("says this Mac is not paired, and offers Connect to Relay, instead of a list", async () => {
    raycast.storage.delete(PAIRED_RELAY_KEY);
    renderCommand(<ModelPicker current="gpt-4.1-mini" onPick={() => undefined} />);
    expect(await screen.findByText("This Mac is not paired with a relay yet")).toBeTruthy();
    await runAction("Connect to Relay");
    expect(raycast.launched).toEqual([{ name: "connect-to-relay", type: "userInitiated" }]);
    expect(server.requests).toHaveLength(0);
  });
});
