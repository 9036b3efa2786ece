// @vitest-environment happy-dom
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { transformRequest } from "./components/transform-result";
import { BUILT_IN_PROMPTS } from "./prompts/prompt";
import { beforeEach, describe, expect, it } from "vitest";
import { FakeOpenAIServer } from "../test/fake-openai-server";
import { usePairedFakeRelay } from "../test/paired-relay";
import { raycast } from "../test/raycast-api-double";
import { markdown, renderCommand, runAction, waitForDetail, waitUntilLoaded } from "../test/render";
import TransformClipboard from "./transform-clipboard";
import TransformSelectedText from "./transform-selected-text";

const server = usePairedFakeRelay();
beforeEach(() => {
  raycast.preferences.transformModel = "gpt-4.1-nano";
  server.onChat = (_request, res) => FakeOpenAIServer.stream(res, ["Je suis ", "allé au marché."]);
});

function lastUserMessage(): string {
  const messages = server.chatRequests.at(-1)?.messages as { role: string; content: string }[];
  return messages.at(-1)!.content;
}

/** Runs "Run Prompt" on the list item with this title. */
async function runPrompt(title: string) {
  const item = await screen.findByRole("listitem", { name: title });
  fireEvent.click(item.querySelector("button")!);
}

describe("Transform Selected Text", () => {
  it("sends the selection with the prompt and pastes the result in its place", async () => {
    raycast.selection = "Je suis alé au marché.";
    renderCommand(<TransformSelectedText />);
    await runPrompt("Fix Spelling and Grammar");
    await waitForDetail();
    expect(markdown()).toBe("Je suis allé au marché.");
    expect(lastUserMessage()).toMatch(/^Fix the spelling[\s\S]*\n\nJe suis alé au marché\.$/);
    expect(server.chatRequests[0].body.model).toBe("gpt-4.1-nano");

    await runAction("Paste Result");
    expect(raycast.pasted).toEqual(["Je suis allé au marché."]);
  });

  it("shows the changes between the selection and the result", async () => {
    raycast.selection = "Je suis alé au marché.";
    renderCommand(<TransformSelectedText />);
    await runPrompt("Fix Spelling and Grammar");
    await waitForDetail();
    await runAction("Show Changes");
    expect(markdown()).toBe("Je suis ~~alé~~**allé** au marché.");
  });

  it("goes back to the prompts with Try Another Prompt", async () => {
    raycast.selection = "Hello";
    renderCommand(<TransformSelectedText />);
    await runPrompt("Summarise");
    await waitForDetail();
    await runAction("Try Another Prompt");
    expect(await screen.findByRole("listitem", { name: "Make Shorter" })).toBeTruthy();
  });

  it("says when nothing is selected and offers the clipboard instead", async () => {
    raycast.clipboard = "Texte copié";
    renderCommand(<TransformSelectedText />);
    expect(await screen.findByText("No text selected")).toBeTruthy();
    expect(screen.getAllByText(/Accessibility/).length).toBeGreaterThan(0);
    await runAction("Use Clipboard Instead");
    await runPrompt("Translate to English");
    await waitForDetail();
    expect(lastUserMessage()).toMatch(/into English[\s\S]*Texte copié$/);
  });

  it("says so when, no text being selected, the clipboard offered instead cannot be read", async () => {
    raycast.clipboardError = new Error("Clipboard is not available");
    renderCommand(<TransformSelectedText />);
    expect(await screen.findByText("No text selected")).toBeTruthy();
    await runAction("Use Clipboard Instead");
    expect(await screen.findByText("Cannot read the clipboard")).toBeTruthy();
    await waitUntilLoaded();
  });

  it("runs on the selection even when the clipboard beside it cannot be read", async () => {
    raycast.selection = "Hello";
    raycast.clipboardError = new Error("Clipboard is not available");
    renderCommand(<TransformSelectedText />);
    await runPrompt("Summarise");
    await waitForDetail();
    expect(lastUserMessage()).toMatch(/Hello$/);
  });

  it("asks for the argument of Translate to…", async () => {
    raycast.selection = "Bonjour";
    renderCommand(<TransformSelectedText />);
    await runPrompt("Translate to…");
    fireEvent.change(await screen.findByLabelText("Argument"), { target: { value: "German" } });
    await runAction("Run Prompt");
    await waitForDetail();
    expect(lastUserMessage()).toMatch(/^Translate the text below into German\./);
  });

  it("warns with the size before sending a very long text, and sends nothing when refused", async () => {
    raycast.selection = "mot ".repeat(12_000);
    raycast.confirmAnswer = false;
    renderCommand(<TransformSelectedText />);
    await runPrompt("Summarise");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.chatRequests).toHaveLength(0);
    expect(screen.getByRole("listitem", { name: "Summarise" })).toBeTruthy();
  });
});

describe("Transform Clipboard", () => {
  it("runs a prompt on the clipboard and copies the result", async () => {
    raycast.clipboard = "Je suis alé au marché.";
    renderCommand(<TransformClipboard />);
    await runPrompt("Fix Spelling and Grammar");
    await waitForDetail();
    await runAction("Copy Result");
    expect(raycast.copied).toEqual(["Je suis allé au marché."]);
  });

  it("says when the clipboard has no text", async () => {
    renderCommand(<TransformClipboard />);
    await waitFor(() => expect(screen.getByText("No text on the clipboard")).toBeTruthy());
  });

  it("says when the clipboard cannot be read, and stops loading", async () => {
    raycast.clipboardError = new Error("Clipboard is not available");
    renderCommand(<TransformClipboard />);
    expect(await screen.findByText("Cannot read the clipboard")).toBeTruthy();
    expect(screen.getByText(/Clipboard is not available/)).toBeTruthy();
    await waitUntilLoaded();
    expect(server.requests).toHaveLength(0);
  });
});

describe("a prompt that searches the web and sets its reasoning effort", () => {
  it("asks with the web_search tool and its own effort", () => {
    const prompt = { ...BUILT_IN_PROMPTS[0], model: "o4-mini", webSearch: true, reasoningEffort: "high" as const };
    const request = transformRequest(prompt, { text: "Hello", source: "selection" } as never);
    expect(request).toMatchObject({ model: "o4-mini", webSearch: true, reasoningEffort: "high" });
  });
});
