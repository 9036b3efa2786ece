// @vitest-environment happy-dom
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import { FakeOpenAIServer } from "../test/fake-openai-server";
import { usePairedFakeRelay } from "../test/paired-relay";
import { raycast } from "../test/raycast-api-double";
import { markdown, renderCommand, runAction, waitForDetail } from "../test/render";
import Ask from "./ask";
import type { HistoryEntry } from "./storage/history-bounds";
import History from "./history";

const server = usePairedFakeRelay();
beforeEach(() => {
  server.onChat = (_request, res) => FakeOpenAIServer.stream(res, ["A complete", " answer."]);
});

function stored(): HistoryEntry[] {
  return [...raycast.storage.entries()]
    .filter(([key]) => key.startsWith("history:"))
    .map(([, value]) => JSON.parse(String(value)) as HistoryEntry);
}

function seed(entry: Partial<HistoryEntry> & { id: string }) {
  const full: HistoryEntry = {
    kind: "ask",
    title: "A question",
    messages: [{ role: "user", content: "A question" }],
    answer: "An answer",
    model: "gpt-4.1-mini",
    status: "done",
    createdAt: 1,
    updatedAt: 1,
    ...entry,
  };
  raycast.storage.set(`history:${full.id}`, JSON.stringify(full));
}

describe("History", () => {
  it("keeps each Ask answer on the Mac", async () => {
    renderCommand(<Ask arguments={{ question: "Capital of Italy?" }} launchType={"userInitiated" as never} />);
    await waitForDetail();
    await waitFor(() => expect(stored()[0]?.status).toBe("done"));
    expect(stored()).toMatchObject([
      { kind: "ask", title: "Capital of Italy?", answer: "A complete answer.", status: "done" },
    ]);
    expect(stored()[0].usage).toEqual({ prompt: 12, completion: 2 });
  });

  it("keeps an answer cut short when the view closes, marked interrupted", async () => {
    server.onChat = async (_request, res) => {
      FakeOpenAIServer.openStream(res);
      FakeOpenAIServer.writeText(res, "Half of an");
      await new Promise((resolve) => setTimeout(resolve, 150));
      FakeOpenAIServer.writeText(res, " answer");
      // …and then never finishes, as when Raycast closes mid-stream
    };
    const view = renderCommand(<Ask arguments={{ question: "Long story?" }} launchType={"userInitiated" as never} />);
    await waitFor(() => expect(markdown()).toBe("Half of an answer"), { timeout: 3000 });
    view.unmount(); // Esc / Raycast closed
    await waitFor(() => expect(stored()[0]?.status).toBe("interrupted"));
    expect(stored()[0].answer).toBe("Half of an answer");
  });

  it("lists entries, marks interrupted ones and regenerates them in place", async () => {
    seed({ id: "old", title: "Old question", answer: "Old answer", createdAt: 1 });
    seed({ id: "cut", title: "Cut question", answer: "Half", status: "streaming", createdAt: 2 });
    renderCommand(<History />);
    const cut = await screen.findByRole("listitem", { name: "Cut question" });
    expect(cut.textContent).toContain("Interrupted");
    expect(screen.getAllByRole("listitem").map((item) => item.getAttribute("aria-label"))).toEqual([
      "Cut question",
      "Old question",
    ]);

    fireEvent.click(cut.querySelector("button")!); // first action of an interrupted entry: Regenerate
    await waitForDetail();
    expect(markdown()).toBe("A complete answer.");
    await waitFor(() => expect(stored().find((entry) => entry.id === "cut")?.status).toBe("done"));
    expect(stored()).toHaveLength(2);
    expect(stored().find((entry) => entry.id === "cut")?.answer).toBe("A complete answer.");
  });

  it("searches answers and deletes an entry", async () => {
    seed({ id: "a", title: "About Paris", answer: "Big city", createdAt: 1 });
    seed({ id: "b", title: "About Lyon", answer: "Food", createdAt: 2 });
    renderCommand(<History />);
    await screen.findByRole("listitem", { name: "About Lyon" });
    fireEvent.change(screen.getByLabelText("Search"), { target: { value: "city" } });
    expect(screen.getAllByRole("listitem").map((item) => item.getAttribute("aria-label"))).toEqual(["About Paris"]);
    await runAction("Delete Entry");
    await waitFor(() => expect(stored().map((entry) => entry.id)).toEqual(["b"]));
  });
});
