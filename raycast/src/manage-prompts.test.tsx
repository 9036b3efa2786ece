// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { raycast } from "../test/raycast-api-double";
import { renderCommand, runAction } from "../test/render";
import type { StoredPrompts } from "./prompts/prompt-list";
import ManagePrompts from "./manage-prompts";

beforeEach(() => raycast.reset());
afterEach(cleanup);

function storedPrompts(): StoredPrompts {
  return JSON.parse(String(raycast.storage.get("prompts"))) as StoredPrompts;
}

function titles(): string[] {
  return screen.getAllByRole("listitem").map((item) => item.getAttribute("aria-label") ?? "");
}

/** Runs an action of one list item. */
async function itemAction(item: string, action: string) {
  const row = await screen.findByRole("listitem", { name: item });
  fireEvent.click(within(row).getByRole("menuitem", { name: action }));
  await waitFor(() => undefined);
}

describe("Manage Prompts", () => {
  it("creates a prompt from the form and keeps it", async () => {
    renderCommand(<ManagePrompts />);
    await screen.findByRole("listitem", { name: "Summarise" });
    await itemAction("Summarise", "Create Prompt");
    fireEvent.change(screen.getByLabelText("Title"), { target: { value: "Pirate" } });
    fireEvent.change(screen.getByLabelText("Instructions"), { target: { value: "Say it like a pirate: {selection}" } });
    fireEvent.change(screen.getByLabelText("Model"), { target: { value: "gpt-4o" } });
    fireEvent.change(screen.getByLabelText("Result"), { target: { value: "paste" } });
    fireEvent.change(screen.getByLabelText("Creativity"), { target: { value: "0.7" } });
    await runAction("Save Prompt");

    await screen.findByRole("listitem", { name: "Pirate" });
    expect(storedPrompts().prompts.at(-1)).toMatchObject({
      title: "Pirate",
      template: "Say it like a pirate: {selection}",
      model: "gpt-4o",
      creativity: 0.7,
      resultAction: "paste",
    });
    expect(raycast.toasts.at(-1)?.title).toBe("Prompt created");
  });

  it("refuses a prompt without a title", async () => {
    renderCommand(<ManagePrompts />);
    await itemAction("Summarise", "Create Prompt");
    await runAction("Save Prompt");
    expect(screen.getAllByRole("alert").map((alert) => alert.textContent)).toEqual([
      "A prompt needs a title",
      "A prompt needs instructions",
    ]);
    expect(raycast.storage.has("prompts")).toBe(false);
    // Each error stays beside its own field until that field is filled.
    fireEvent.change(screen.getByLabelText("Title"), { target: { value: "Pirate" } });
    expect(screen.getAllByRole("alert").map((alert) => alert.textContent)).toEqual(["A prompt needs instructions"]);
    fireEvent.change(screen.getByLabelText("Instructions"), { target: { value: "   " } });
    await runAction("Save Prompt");
    expect(screen.getAllByRole("alert").map((alert) => alert.textContent)).toEqual(["A prompt needs instructions"]);
    expect(raycast.storage.has("prompts")).toBe(false);
  });

  it("edits a built-in prompt, marks it edited, and resets it", async () => {
    renderCommand(<ManagePrompts />);
    await itemAction("Summarise", "Edit Prompt");
    fireEvent.change(screen.getByLabelText("Instructions"), {
      target: { value: "Summarise in one line: {selection}" },
    });
    await runAction("Save Prompt");
    const row = await screen.findByRole("listitem", { name: "Summarise" });
    expect(row.textContent).toContain("Edited");
    expect(storedPrompts().prompts.find((prompt) => prompt.id === "summarise")?.template).toBe(
      "Summarise in one line: {selection}",
    );
    await itemAction("Summarise", "Reset to Original");
    await waitFor(() =>
      expect(storedPrompts().prompts.find((prompt) => prompt.id === "summarise")?.template).toMatch(
        /^Summarise the text below/,
      ),
    );
  });

  it("reorders, duplicates and deletes", async () => {
    renderCommand(<ManagePrompts />);
    await screen.findByRole("listitem", { name: "Improve Writing" });
    expect(titles().slice(0, 2)).toEqual(["Fix Spelling and Grammar", "Improve Writing"]);
    await itemAction("Improve Writing", "Raise Prompt");
    await waitFor(() => expect(titles().slice(0, 2)).toEqual(["Improve Writing", "Fix Spelling and Grammar"]));
    await itemAction("Improve Writing", "Duplicate Prompt");
    await waitFor(() => expect(titles().slice(0, 2)).toEqual(["Improve Writing", "Improve Writing Copy"]));
    await itemAction("Improve Writing Copy", "Delete Prompt");
    await waitFor(() => expect(titles()).not.toContain("Improve Writing Copy"));
    expect(storedPrompts().prompts.map((prompt) => prompt.title)).not.toContain("Improve Writing Copy");
  });

  it("makes a Quicklink that runs the prompt through Run Prompt", async () => {
    renderCommand(<ManagePrompts />);
    await itemAction("Translate to French", "Create Quicklink");
    expect(raycast.quicklinks).toEqual([
      {
        name: "Passerelle: Translate to French",
        link: `raycast://extensions/passerelle/passerelle/run-prompt?arguments=${encodeURIComponent(
          JSON.stringify({ prompt: "Translate to French" }),
        )}`,
      },
    ]);
  });
});

describe("Manage Prompts' import and export", () => {
  let home: string;
  const realHome = process.env.HOME;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), "passerelle-home-"));
    process.env.HOME = home; // Export Prompts writes to ~/Downloads
  });
  afterEach(async () => {
    process.env.HOME = realHome;
    await rm(home, { recursive: true, force: true });
  });

  it("says so beside the field when no file is chosen, and imports nothing", async () => {
    renderCommand(<ManagePrompts />);
    await itemAction("Summarise", "Import Prompts");
    await runAction(/^Import Prompts$/);
    expect((await screen.findByRole("alert")).textContent).toBe("Choose a file made with Export Prompts");
    expect(raycast.storage.has("prompts")).toBe(false);
    expect(raycast.toasts).toEqual([]);
  });

  it("counts what it added and what it replaced", async () => {
    const file = join(home, "shared.json");
    const summarise = {
      id: "summarise",
      title: "Summarise Briefly",
      icon: "Paragraph",
      template: "Briefly: {selection}",
    };
    const pirate = { id: "pirate", title: "Pirate", icon: "Star", template: "Arr: {selection}" };
    await writeFile(file, JSON.stringify({ format: "passerelle-prompts", version: 1, prompts: [summarise, pirate] }));
    renderCommand(<ManagePrompts />);
    await itemAction("Summarise", "Import Prompts");
    fireEvent.change(screen.getByLabelText("Prompts File"), { target: { value: file } });
    await runAction(/^Import Prompts$/);
    await waitFor(() => expect(raycast.toasts.at(-1)?.title).toBe("Imported 2 prompts"));
    expect(raycast.toasts.at(-1)?.message).toBe("1 added, 1 replaced");
    expect(storedPrompts().prompts.map((prompt) => prompt.title)).toContain("Summarise Briefly");
  });

  it("says a search matches nothing", async () => {
    renderCommand(<ManagePrompts />);
    await screen.findByRole("listitem", { name: "Summarise" });
    fireEvent.change(screen.getByLabelText("Search"), { target: { value: "zzz" } });
    expect(screen.getByTestId("empty-view").textContent).toContain("No prompts match “zzz”");
  });

  it("asks before replacing a file exported earlier, and leaves it when told no", async () => {
    const path = join(home, "Downloads", "passerelle-prompts.json");
    renderCommand(<ManagePrompts />);
    await itemAction("Summarise", "Export Prompts");
    await waitFor(() => expect(raycast.toasts.at(-1)?.title).toMatch(/^Exported \d+ prompts$/));
    expect(raycast.alerts).toEqual([]);
    await writeFile(path, "kept");
    raycast.confirmAnswer = false;
    await itemAction("Summarise", "Export Prompts");
    await waitFor(() => expect(raycast.alerts).toEqual(["Replace passerelle-prompts.json?"]));
    expect(await readFile(path, "utf8")).toBe("kept");
    raycast.confirmAnswer = true;
    await itemAction("Summarise", "Export Prompts");
    await waitFor(() => expect(raycast.alerts).toHaveLength(2));
    await waitFor(async () => expect(await readFile(path, "utf8")).toContain('"passerelle-prompts"'));
  });
});
