// @vitest-environment happy-dom
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import { FakeOpenAIServer } from "../test/fake-openai-server";
import { usePairedFakeRelay } from "../test/paired-relay";
import { PAIRED_RELAY_KEY } from "./relay/connection";
import { raycast } from "../test/raycast-api-double";
import { renderCommand, runAction, waitForDetail, waitUntilLoaded } from "../test/render";
import Ask from "./ask";
import Chat from "./chat";
import RunPrompt from "./run-prompt";
import TransformSelectedText from "./transform-selected-text";

// TLS handshakes counted by the (TLS 1.3, pinned) fake relay itself: each one is a connection the Mac paid for.
const server = usePairedFakeRelay();
beforeEach(() => {
  server.handshakes = 0;
  let turn = 0;
  server.onChat = (_request, res) => FakeOpenAIServer.stream(res, [`Answer ${++turn}.`]);
});

const urls = () => server.requests.map((request) => request.url);

/** The warm-up request: a `GET /health` that carried nothing of the OpenAI key. */
function expectKeylessWarmUp() {
  const warmUp = server.requests.find((request) => request.url === "/health");
  expect(warmUp?.method).toBe("GET");
  expect(warmUp?.headers.authorization).toBeUndefined();
  expect(JSON.stringify(warmUp?.headers)).not.toContain(String(raycast.preferences.apiKey));
}

async function say(text: string, answer: string) {
  fireEvent.change(screen.getAllByLabelText("Search").at(-1)!, { target: { value: text } });
  await runAction("Send Message");
  await waitFor(() => expect(screen.getAllByTestId("item-detail")[0].textContent).toContain(answer));
  await waitFor(() => expect(document.querySelector("[aria-busy='true']")).toBeNull());
}

describe("one pinned connection per command", () => {
  it("Ask: one TLS handshake; Ask Again reuses it; closing the command closes it", async () => {
    const view = renderCommand(<Ask arguments={{ question: "Capital?" }} launchType={"userInitiated" as never} />);
    await waitUntilLoaded();
    expect(server.handshakes).toBe(1);
    expect(urls()).not.toContain("/health"); // Ask asks at once: a warm-up would race it for a second connection
    await runAction("Ask Again");
    await waitUntilLoaded();
    expect(server.chatRequests).toHaveLength(2);
    expect(server.handshakes).toBe(1);
    view.unmount();
    await waitFor(() => expect(server.openConnections.size).toBe(0));
  });

  it("Chat: three turns over one TLS handshake, closed with the command", async () => {
    const view = renderCommand(<Chat />);
    await say("First?", "Answer 1.");
    await say("Second?", "Answer 2.");
    await say("Third?", "Answer 3.");
    expect(server.chatRequests).toHaveLength(3);
    expect(server.handshakes).toBe(1);
    view.unmount();
    await waitFor(() => expect(server.openConnections.size).toBe(0));
  });

  it("Transform: the prompt list opens the connection before any request; the prompt's request rides it", async () => {
    raycast.selection = "Hello";
    const view = renderCommand(<TransformSelectedText />);
    const item = await screen.findByRole("listitem", { name: "Summarise" });
    await waitFor(() => expect(urls()).toEqual(["/health"]));
    expect(server.handshakes).toBe(1);
    expectKeylessWarmUp();

    fireEvent.click(item.querySelector("button")!);
    await waitForDetail();
    expect(urls()).toEqual(["/health", "/v1/responses"]);
    expect(server.chatRequests[0].headers.authorization).toBe(`Bearer ${raycast.preferences.apiKey}`);
    expect(server.handshakes).toBe(1);
    view.unmount();
    await waitFor(() => expect(server.openConnections.size).toBe(0));
  });

  it("Chat: the input opens the connection while the question is typed; the first turn rides it", async () => {
    const view = renderCommand(<Chat />);
    await waitFor(() => expect(urls()).toEqual(["/health"]));
    expect(server.handshakes).toBe(1);
    expectKeylessWarmUp();
    await say("First?", "Answer 1.");
    expect(server.handshakes).toBe(1);
    view.unmount();
    await waitFor(() => expect(server.openConnections.size).toBe(0));
  });

  it("Run Prompt: warming up at launch never costs a second connection, whichever of it and the request goes first", async () => {
    raycast.selection = "Hello";
    const view = renderCommand(
      <RunPrompt arguments={{ prompt: "Summarise", argument: "" }} launchType={"userInitiated" as never} />,
    );
    await waitForDetail();
    expect(server.chatRequests).toHaveLength(1);
    expect(server.handshakes).toBe(1);
    if (urls().includes("/health")) expectKeylessWarmUp();
    view.unmount();
    await waitFor(() => expect(server.openConnections.size).toBe(0));
  });

  it("not paired: no warm-up, no connection", async () => {
    raycast.storage.delete(PAIRED_RELAY_KEY);
    raycast.selection = "Hello";
    renderCommand(<TransformSelectedText />);
    await screen.findByRole("listitem", { name: "Summarise" });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.requests).toHaveLength(0);
    expect(server.handshakes).toBe(0);
  });
});
