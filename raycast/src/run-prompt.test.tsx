// @vitest-environment happy-dom
import { cleanup, screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import { FakeOpenAIServer } from "../test/fake-openai-server";
import { usePairedFakeRelay } from "../test/paired-relay";
import { raycast } from "../test/raycast-api-double";
import { markdown, renderCommand, runAction, waitForDetail } from "../test/render";
import type { Prompt } from "./prompts/prompt";
import RunPrompt from "./run-prompt";

const server = usePairedFakeRelay();
beforeEach(() => {
  server.onChat = (_request, res) => FakeOpenAIServer.stream(res, ["Arr, ", "matey!"]);
});

function storePrompts(prompts: Prompt[]) {
  raycast.storage.set("prompts", JSON.stringify({ version: 1, prompts, removedBuiltIns: [] }));
}

function run(prompt: string, argument?: string) {
  renderCommand(<RunPrompt arguments={{ prompt, argument: argument ?? "" }} launchType={"userInitiated" as never} />);
}

function lastUserMessage(): string {
  const messages = server.chatRequests.at(-1)?.messages as { content: string }[];
  return messages.at(-1)!.content;
}

describe("Run Prompt", () => {
  it("runs a paste prompt on the selection and pastes the result by itself", async () => {
    storePrompts([
      {
        id: "p",
        title: "Pirate",
        icon: "Star",
        template: "Pirate this: {selection}",
        resultAction: "paste",
        creativity: 0.9,
      },
    ]);
    raycast.selection = "Hello friend";
    run("pirate");
    await waitFor(() => expect(raycast.pasted).toEqual(["Arr, matey!"]));
    expect(raycast.closedWindow).toBe(1);
    expect(lastUserMessage()).toBe("Pirate this: Hello friend");
    expect(server.chatRequests[0].body.temperature).toBe(0.9);
  });

  it("runs a copy prompt and says so", async () => {
    storePrompts([{ id: "p", title: "Pirate", icon: "Star", template: "Pirate: {selection}", resultAction: "copy" }]);
    raycast.selection = "Hello";
    run("Pirate");
    await waitFor(() => expect(raycast.copied).toEqual(["Arr, matey!"]));
    expect(raycast.huds).toEqual(["Copied: Pirate"]);
  });

  it("uses the argument it was launched with, with no text needed", async () => {
    storePrompts([
      { id: "h", title: "Haiku", icon: "Leaf", template: "A haiku about {argument|spring}", resultAction: "show" },
    ]);
    run("Haiku", "the sea");
    await waitForDetail();
    expect(markdown()).toBe("Arr, matey!");
    expect(lastUserMessage()).toBe("A haiku about the sea");
    await runAction("Copy Result");
    expect(raycast.copied).toEqual(["Arr, matey!"]);
  });

  it("runs a built-in prompt by its name", async () => {
    raycast.selection = "Bonjour";
    run("Translate to English");
    await waitForDetail();
    expect(lastUserMessage()).toMatch(/^Translate the text below into English\.[\s\S]*Bonjour$/);
  });

  it("runs the prompt that takes an argument when one is given, and says which prompt ran", async () => {
    raycast.selection = "Bonjour";
    run("translate to", "Spanish");
    await waitForDetail();
    expect(lastUserMessage()).toMatch(/^Translate the text below into Spanish\./);
    expect(screen.getByText("Translate to…", { selector: "dd" })).toBeTruthy();

    cleanup();
    run("translate", "Spanish");
    await waitFor(() => expect(server.chatRequests).toHaveLength(2));
    expect(lastUserMessage()).toMatch(/^Translate the text below into Spanish\./);
    expect(raycast.toasts.map((toast) => toast.title)).toContain("Running “Translate to…”");
  });

  it("says when no prompt has that name", async () => {
    run("Nothing Like This");
    expect(await screen.findByText("No prompt named “Nothing Like This”")).toBeTruthy();
    expect(server.chatRequests).toHaveLength(0);
  });

  it("says when nothing is selected instead of failing silently", async () => {
    run("Fix Spelling and Grammar");
    expect(await screen.findByText("No text selected")).toBeTruthy();
    expect(server.chatRequests).toHaveLength(0);
  });
});
