// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import { FakeOpenAIServer } from "../test/fake-openai-server";
import { usePairedFakeRelay } from "../test/paired-relay";
import { closedPort } from "../test/ports";
import { raycast } from "../test/raycast-api-double";
import { markdown, renderCommand, runAction, waitForDetail } from "../test/render";
import { PAIRED_RELAY_KEY } from "./relay/connection";
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

    // The list is cached: opening it again shows it at once, before the relay is asked again.
    expect(server.requests.filter((request) => request.url === "/v1/models")).toHaveLength(1);
    server.models = ["gpt-4o", "gpt-5"];
    await runAction("Try Another Model");
    expect(screen.getByRole("listitem", { name: "llama3.2:3b" })).toBeTruthy();
    await screen.findByRole("listitem", { name: "gpt-5" });
    expect(server.requests.filter((request) => request.url === "/v1/models")).toHaveLength(2);
  });

  it("shows the last list it had when the relay does not answer, and the failure when it has none", async () => {
    const address = `127.0.0.1:${await closedPort()}`;
    // No relay id: nothing to look for on the network.
    raycast.storage.set(PAIRED_RELAY_KEY, JSON.stringify({ ...server.pairedRelay(address), relayId: undefined }));
    renderCommand(<ModelPicker current="gpt-4.1-mini" onPick={() => undefined} />);
    expect(await screen.findByText(`Relay not running (https://${address})`)).toBeTruthy();
    cleanup();
    // A list the relay gave earlier stays, with no failure in its place.
    server.pair();
    const view = renderCommand(<ModelPicker current="gpt-4.1-mini" onPick={() => undefined} />);
    await screen.findByRole("listitem", { name: "gpt-4o" });
    view.unmount();
    raycast.storage.set(PAIRED_RELAY_KEY, JSON.stringify({ ...server.pairedRelay(address), relayId: undefined }));
    renderCommand(<ModelPicker current="gpt-4.1-mini" onPick={() => undefined} />);
    expect(screen.getByRole("listitem", { name: "gpt-4o" })).toBeTruthy();
    await waitFor(() => expect(document.querySelector("[aria-busy='true']")).toBeNull());
    expect(screen.getAllByRole("listitem").map((item) => item.getAttribute("aria-label"))).toContain("llama3.2:3b");
    expect(screen.queryByText(`Relay not running (https://${address})`)).toBeNull();
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
