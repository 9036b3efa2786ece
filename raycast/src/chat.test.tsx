// @vitest-environment happy-dom
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import { FakeOpenAIServer } from "../test/fake-openai-server";
import { usePairedFakeRelay } from "../test/paired-relay";
import { raycast } from "../test/raycast-api-double";
import { renderCommand, runAction, waitForDetail } from "../test/render";
import Ask from "./ask";
import Chat from "./chat";

const server = usePairedFakeRelay();
let answers: string[][] = [];
beforeEach(() => {
  answers = [
    ["Rome is", " the capital."],
    ["About 2.8", " million."],
  ];
  server.onChat = (_request, res) => FakeOpenAIServer.stream(res, answers.shift() ?? ["?"]);
});

async function say(text: string) {
  fireEvent.change(screen.getAllByLabelText("Search").at(-1)!, { target: { value: text } });
  await runAction("Send Message");
}

function sentMessages(index: number) {
  return (server.chatRequests[index].messages as { role: string; content: string }[]).map(
    (message) => `${message.role}: ${message.content}`,
  );
}

describe("Chat", () => {
  it("answers, then sends the follow-up with the whole conversation", async () => {
    renderCommand(<Chat />);
    await say("Capital of Italy?");
    await waitFor(() => expect(screen.getByTestId("item-detail").textContent).toContain("Rome is the capital."));
    await waitFor(() => expect(document.querySelector("[aria-busy='true']")).toBeNull());
    await say("How many people live there?");
    await waitFor(() => expect(screen.getAllByTestId("item-detail")[0].textContent).toContain("About 2.8 million."));

    expect(sentMessages(1).slice(1)).toEqual([
      "user: Capital of Italy?",
      "assistant: Rome is the capital.",
      "user: How many people live there?",
    ]);
    // The newest exchange is on top.
    expect(screen.getAllByRole("listitem").map((item) => item.getAttribute("aria-label"))).toEqual([
      "How many people live there?",
      "Capital of Italy?",
    ]);
    // One conversation, one History entry.
    await waitFor(() => {
      const entries = [...raycast.storage.keys()].filter((key) => key.startsWith("history:"));
      expect(entries).toHaveLength(1);
      expect(JSON.parse(String(raycast.storage.get(entries[0])))).toMatchObject({
        kind: "chat",
        answer: "About 2.8 million.",
        status: "done",
      });
    });
  });

  it("continues an Ask answer in Chat", async () => {
    renderCommand(<Ask arguments={{ question: "Capital of Italy?" }} launchType={"userInitiated" as never} />);
    await waitForDetail();
    await runAction("Continue in Chat");
    await say("And its population?");
    await waitFor(() => expect(screen.getAllByTestId("item-detail")[0].textContent).toContain("About 2.8 million."));
    expect(sentMessages(1).slice(1)).toEqual([
      "user: Capital of Italy?",
      "assistant: Rome is the capital.",
      "user: And its population?",
    ]);
  });
});
