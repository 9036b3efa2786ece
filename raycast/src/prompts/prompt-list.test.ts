import { describe, expect, it } from "vitest";
import {
  duplicatePrompt,
  exportPrompts,
  findPrompt,
  isModifiedBuiltIn,
  mergeImported,
  movePrompt,
  parsePromptFile,
  resetPrompt,
  restoreBuiltIns,
  withBuiltIns,
} from "./prompt-list";
import { BUILT_IN_PROMPTS, type Prompt } from "./prompt";

const custom: Prompt = {
  id: "c1",
  title: "Pirate",
  icon: "Star",
  template: "Say {selection} like a pirate",
  resultAction: "copy",
};

describe("prompt list", () => {
  it("starts with the built-ins and adds new built-ins to a stored list unless deleted", () => {
    expect(withBuiltIns(undefined).map((prompt) => prompt.id)).toEqual(BUILT_IN_PROMPTS.map((prompt) => prompt.id));
    const stored = { version: 1 as const, prompts: [custom], removedBuiltIns: ["summarise"] };
    const ids = withBuiltIns(stored).map((prompt) => prompt.id);
    expect(ids[0]).toBe("c1");
    expect(ids).toContain("fix-spelling-grammar");
    expect(ids).not.toContain("summarise");
  });

  it("reorders, duplicates and resets", () => {
    const list = [BUILT_IN_PROMPTS[0], custom, BUILT_IN_PROMPTS[1]];
    expect(movePrompt(list, "c1", -1).map((prompt) => prompt.id)).toEqual(["c1", list[0].id, list[2].id]);
    expect(movePrompt(list, list[0].id, -1)).toBe(list);
    const duplicated = duplicatePrompt(list, "c1", "c2");
    expect(duplicated.map((prompt) => prompt.title)).toEqual([list[0].title, "Pirate", "Pirate Copy", list[2].title]);
    const edited = list.map((prompt) => (prompt.id === list[0].id ? { ...prompt, template: "changed" } : prompt));
    expect(isModifiedBuiltIn(edited[0])).toBe(true);
    const reset = resetPrompt(edited, list[0].id);
    expect(reset[0]).toEqual(BUILT_IN_PROMPTS[0]);
    expect(isModifiedBuiltIn(reset[0])).toBe(false);
  });

  it("restores deleted built-ins at the end", () => {
    const restored = restoreBuiltIns([custom, BUILT_IN_PROMPTS[2]]);
    expect(restored.slice(0, 2).map((prompt) => prompt.id)).toEqual(["c1", BUILT_IN_PROMPTS[2].id]);
    expect(restored).toHaveLength(BUILT_IN_PROMPTS.length + 1);
  });

  it("finds a prompt by title, ignoring case, or by id", () => {
    const list = withBuiltIns(undefined);
    expect(findPrompt(list, "fix spelling and grammar")).toMatchObject({ prompt: { id: "fix-spelling-grammar" } });
    expect(findPrompt(list, "translate-french")?.prompt.title).toBe("Translate to French");
    expect(findPrompt(list, "Summ")).toMatchObject({ prompt: { id: "summarise" }, exact: false });
    expect(findPrompt(list, "nothing like this")).toBeUndefined();
  });

  it("prefers a whole title, then, given an argument, the prompt that takes one", () => {
    const list = withBuiltIns(undefined);
    expect(findPrompt(list, "translate to")).toMatchObject({ prompt: { id: "translate-to" }, exact: true });
    expect(findPrompt(list, "Translate to...")).toMatchObject({ prompt: { id: "translate-to" }, exact: true });
    expect(findPrompt(list, "translate", "Spanish")?.prompt.id).toBe("translate-to");
    expect(findPrompt(list, "translate")?.prompt.id).toBe("translate-english");
    expect(findPrompt(list, "Translate to English", "Spanish")?.prompt.id).toBe("translate-english");
  });

  it("exports and imports back the same prompts", () => {
    const list = [custom, BUILT_IN_PROMPTS[0]];
    expect(parsePromptFile(exportPrompts(list))).toEqual([
      custom,
      { ...BUILT_IN_PROMPTS[0], model: undefined, creativity: undefined },
    ]);
  });

  it("refuses a broken file with a readable message", () => {
    expect(() => parsePromptFile("{nope")).toThrow("not JSON");
    expect(() => parsePromptFile('{"prompts": [{"title": "x"}]}')).toThrow("Prompt 1 has no template");
    expect(() => parsePromptFile('[{"title": "x", "template": "y", "creativity": 5}]')).toThrow("creativity");
  });

  it("merges an import: same id replaces, new ones are added", () => {
    const changed = { ...custom, title: "Pirate 2" };
    const other = { ...custom, id: "c9", title: "Other" };
    expect(mergeImported([custom, BUILT_IN_PROMPTS[0]], [changed, other])).toMatchObject({ added: 1, replaced: 1 });
    expect(
      mergeImported([custom, BUILT_IN_PROMPTS[0]], [changed, other]).prompts.map((prompt) => prompt.title),
    ).toEqual(["Pirate 2", BUILT_IN_PROMPTS[0].title, "Other"]);
  });
});

describe("a prompt's web search and reasoning effort", () => {
  it("survive export and import, and a wrong effort is dropped", () => {
    const prompt = { ...BUILT_IN_PROMPTS[0], id: "news", webSearch: true, reasoningEffort: "high" as const };
    expect(parsePromptFile(exportPrompts([prompt]))[0]).toMatchObject({ webSearch: true, reasoningEffort: "high" });
    const odd = JSON.stringify([{ title: "X", template: "Y", reasoningEffort: "extreme", webSearch: "yes" }]);
    const [parsed] = parsePromptFile(odd);
    expect(parsed).not.toHaveProperty("reasoningEffort");
    expect(parsed).not.toHaveProperty("webSearch");
  });

  it("make a built-in prompt modified", () => {
    expect(isModifiedBuiltIn({ ...BUILT_IN_PROMPTS[0], webSearch: true })).toBe(true);
  });
});
