// @vitest-environment happy-dom
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import { FakeOpenAIServer } from "../test/fake-openai-server";
import { usePairedFakeRelay } from "../test/paired-relay";
import { renderCommand, runAction, waitUntilLoaded } from "../test/render";
import Ask from "./ask";
import Chat from "./chat";

// TLS handshakes counted by the (TLS 1.3, pinned) fake relay itself: each one is a connection the Mac paid for.
const server = usePairedFakeRelay();
beforeEach(() => {
  server.handshakes = 0;
  let turn = 0;
  server.onChat = (_request, res) => FakeOpenAIServer.stream(res, [`Answer ${++turn}.`]);
});

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
});
