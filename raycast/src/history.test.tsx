// @vitest-environment happy-dom
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { pngBytes } from "../test/images";
import { sha256 } from "./attachments/prepare";
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

  it("finds an entry by a word of what was asked: a chat's follow-up, the text a transform worked on", async () => {
    seed({
      id: "chat",
      kind: "chat",
      title: "Un livre",
      messages: [
        { role: "user", content: "Un livre ?" },
        { role: "assistant", content: "Lequel ?" },
        { role: "user", content: "Son Résumé, en détail" },
      ],
      createdAt: 1,
    });
    seed({
      id: "transform",
      kind: "transform",
      title: "Fix Spelling and Grammar",
      messages: [{ role: "user", content: "Fix the spelling of the text below.\n\nJe suis alé au marché." }],
      answer: "Je suis allé au marché.",
      createdAt: 2,
    });
    renderCommand(<History />);
    await screen.findByRole("listitem", { name: "Un livre" });
    const shown = () => screen.getAllByRole("listitem").map((item) => item.getAttribute("aria-label"));
    fireEvent.change(screen.getByLabelText("Search"), { target: { value: "resume" } });
    expect(shown()).toEqual(["Un livre"]);
    fireEvent.change(screen.getByLabelText("Search"), { target: { value: "ALÉ" } });
    expect(shown()).toEqual(["Fix Spelling and Grammar"]);
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

describe("History of questions about files", () => {
  const dir = mkdtempSync(join(tmpdir(), "passerelle-history-files-"));
  const thumbnail = "data:image/jpeg;base64,/9j/AAAA";
  function remembered(name: string, data: Buffer, exists: boolean) {
    const path = join(dir, name);
    if (exists) writeFileSync(path, data);
    return {
      name,
      kind: "image" as const,
      mimeType: "image/png",
      bytes: data.length,
      sha256: sha256(data),
      path,
      thumbnail,
    };
  }

  it("keeps names, hash and thumbnail; says 'no longer available' once a file is gone; regenerates with the one still there", async () => {
    const here = pngBytes(20, 20);
    const gone = pngBytes(21, 21);
    seed({
      id: "here",
      title: "About here.png",
      createdAt: 2,
      messages: [{ role: "user", content: "About here.png", attachments: [remembered("here.png", here, true)] }],
    });
    seed({
      id: "gone",
      title: "About gone.png",
      createdAt: 1,
      messages: [{ role: "user", content: "About gone.png", attachments: [remembered("gone.png", gone, false)] }],
    });
    renderCommand(<History />);
    await waitFor(() =>
      expect(screen.getAllByTestId("item-detail")[1].textContent).toContain(
        "📎 `gone.png` (Image, no longer available)",
      ),
    );
    const [first, second] = screen.getAllByTestId("item-detail").map((detail) => detail.textContent ?? "");
    expect(first).toContain(`![here.png](${thumbnail}) 📎 \`here.png\` (Image)\n`);
    expect(second).toContain(`![gone.png](${thumbnail})`);

    const item = screen.getByRole("listitem", { name: "About here.png" });
    fireEvent.click(within(item).getByRole("menuitem", { name: "Regenerate" }));
    await waitForDetail();
    const [image] = server.chatRequests[0].messages.at(-1)!.content as { image_url: string }[];
    expect(Buffer.from(image.image_url.split(",")[1], "base64").equals(here)).toBe(true);
  });

  it("says the file is no longer available when regenerating without it, and sends nothing", async () => {
    seed({
      id: "gone",
      title: "About gone.png",
      messages: [
        { role: "user", content: "About gone.png", attachments: [remembered("lost.png", pngBytes(5, 5), false)] },
      ],
    });
    renderCommand(<History />);
    const item = await screen.findByRole("listitem", { name: "About gone.png" });
    fireEvent.click(within(item).getByRole("menuitem", { name: "Regenerate" }));
    await waitFor(() => expect(raycast.toasts[0]).toMatchObject({ title: "File no longer available" }));
    expect(server.chatRequests).toHaveLength(0);
  });
});
