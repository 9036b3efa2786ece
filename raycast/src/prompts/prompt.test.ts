import { describe, expect, it } from "vitest";
import { BUILT_IN_PROMPTS, fillTemplate, inputSourceFor, placeholdersIn, promptMessages } from "./prompt";

describe("fillTemplate", () => {
  it("fills every placeholder", () => {
    expect(
      fillTemplate("Use {clipboard} to answer {selection} in {argument}.", {
        selection: "the mail",
        clipboard: "the notes",
        argument: "German",
      }),
    ).toBe("Use the notes to answer the mail in German.");
  });

  it("uses the default when the argument is empty or missing", () => {
    expect(
      fillTemplate("Translate into {argument|English}: {selection}", { selection: "Bonjour", argument: " " }),
    ).toBe("Translate into English: Bonjour");
    expect(fillTemplate("Translate into {argument|English}: {selection}", { selection: "Bonjour" })).toBe(
      "Translate into English: Bonjour",
    );
    expect(fillTemplate("In {argument|English}", { argument: "Italian" })).toBe("In Italian");
  });

  it("appends the text when the template has no place for it", () => {
    expect(fillTemplate("Make it rhyme.", { selection: "roses are red" })).toBe("Make it rhyme.\n\nroses are red");
  });

  it("finds the placeholders a template uses", () => {
    expect([...placeholdersIn("{selection} {argument|x} {clipboard} {other}")].sort()).toEqual([
      "argument",
      "clipboard",
      "selection",
    ]);
  });
});

describe("built-in prompts", () => {
  it("has every prompt the issue names, each keeping the input's language unless it translates", () => {
    const titles = BUILT_IN_PROMPTS.map((prompt) => prompt.title);
    for (const title of [
      "Fix Spelling and Grammar",
      "Improve Writing",
      "Make Shorter",
      "Make Longer",
      "Change Tone to Professional",
      "Change Tone to Friendly",
      "Summarise",
      "Explain",
      "Explain Code",
      "Translate to English",
      "Translate to French",
      "Translate to…",
      "Reply to This",
    ]) {
      expect(titles).toContain(title);
    }
    for (const prompt of BUILT_IN_PROMPTS) {
      if (prompt.title.startsWith("Translate") || prompt.id === "explain-code") continue;
      expect(prompt.template).toMatch(/same language/);
    }
    expect(new Set(BUILT_IN_PROMPTS.map((prompt) => prompt.id)).size).toBe(BUILT_IN_PROMPTS.length);
  });

  it("puts the text into the user message", () => {
    const fix = BUILT_IN_PROMPTS.find((prompt) => prompt.id === "fix-spelling-grammar")!;
    const messages = promptMessages(fix, { selection: "Je suis alé" });
    expect(messages[1].content).toMatch(/^Fix the spelling[\s\S]*\n\nJe suis alé$/);
  });
});

describe("inputSourceFor", () => {
  it("reads the selection, the clipboard, or nothing, from the placeholders", () => {
    expect(inputSourceFor("Fix {selection}")).toBe("selection");
    expect(inputSourceFor("Answer {clipboard}")).toBe("clipboard");
    expect(inputSourceFor("A haiku about {argument|spring}")).toBe("none");
    expect(inputSourceFor("Make it rhyme.")).toBe("selection");
  });
});
