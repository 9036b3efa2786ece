// @vitest-environment happy-dom
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { pngBytes } from "../test/images";
import { FakeOpenAIServer } from "../test/fake-openai-server";
import { responseEvents } from "../test/fake-responses";
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

describe("Chat with files and web search", () => {
  it("sends two images over two turns, each turn carrying the conversation's images again", async () => {
    const dir = mkdtempSync(join(tmpdir(), "passerelle-chat-files-"));
    const first = pngBytes(40, 30);
    const second = pngBytes(30, 40);
    writeFileSync(join(dir, "before.png"), first);
    writeFileSync(join(dir, "after.png"), second);
    renderCommand(<Chat />);
    raycast.clipboardFile = join(dir, "before.png");
    await runAction("Attach Clipboard");
    await waitFor(() =>
      expect(screen.getAllByLabelText("Search").at(-1)!.getAttribute("placeholder")).toBe("Ask about before.png…"),
    );
    await say("What is in this one?");
    await waitFor(() => expect(document.querySelector("[aria-busy='true']")).toBeNull());
    raycast.finderSelection = [join(dir, "after.png")];
    await runAction("Attach Finder Selection");
    await waitFor(() =>
      expect(screen.getAllByLabelText("Search").at(-1)!.getAttribute("placeholder")).toBe("Ask about after.png…"),
    );
    await say("And what changed?");
    await waitFor(() => expect(server.chatRequests).toHaveLength(2));
    await waitFor(() => expect(document.querySelector("[aria-busy='true']")).toBeNull());

    const imagesIn = (index: number) =>
      server.chatRequests[index].messages
        .filter((message) => Array.isArray(message.content))
        .map((message) => (message.content as { type: string; image_url?: string }[])[0].image_url!.split(",")[1]);
    expect(imagesIn(0)).toEqual([first.toString("base64")]);
    expect(imagesIn(1)).toEqual([first.toString("base64"), second.toString("base64")]);
    expect(screen.getAllByTestId("item-detail")[0].textContent).toContain("📎 `after.png` (Image)");
    // History keeps the names, never the bytes.
    const [entry] = [...raycast.storage.entries()].filter(([key]) => key.startsWith("history:"));
    expect(String(entry[1])).toContain('"name":"after.png"');
    expect(String(entry[1]).length).toBeLessThan(5_000);
  });

  it("shows a reasoning model thinking in the exchange (its summary, Thinking… and the time), then the answer", async () => {
    raycast.preferences.model = "o4-mini";
    let go = () => undefined as void;
    server.onChat = (_request, res) => {
      const events = responseEvents({ model: "o4-mini", reasoning: [["Counting ", "the hills."]], text: ["Seven."] });
      const cut = events.findIndex((event) => event.includes("response.output_text.delta"));
      res.writeHead(200, { "content-type": "text/event-stream" });
      for (const event of events.slice(0, cut)) res.write(event);
      go = () => res.end(events.slice(cut).join(""));
    };
    renderCommand(<Chat />);
    await say("How many hills has Rome?");
    const detail = () => screen.getByTestId("item-detail").textContent;
    await waitFor(() => expect(detail()).toMatch(/> _Counting the hills\._\n\n_Thinking… \d+ s_/));
    const seconds = () => Number(/Thinking… (\d+) s/.exec(detail() ?? "")?.[1]);
    const first = seconds();
    await waitFor(() => expect(seconds()).toBeGreaterThan(first), { timeout: 2500 });
    go();
    await waitFor(() => expect(detail()).toContain("Seven."));
    await waitFor(() => expect(detail()).not.toContain("Thinking"));
  });

  it("searches the web for the next answers once turned on", async () => {
    renderCommand(<Chat />);
    await runAction("Search the Web");
    await say("News today?");
    await waitFor(() => expect(server.chatRequests).toHaveLength(1));
    expect(server.chatRequests[0].body.tools).toEqual([{ type: "web_search" }]);
  });
});
