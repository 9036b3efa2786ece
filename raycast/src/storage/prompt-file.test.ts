import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { BUILT_IN_PROMPTS } from "../prompts/prompt";
import { promptFilePath, readPromptFile, writePromptFile } from "./prompt-file";

let folder: string | undefined;
afterEach(async () => {
  if (folder) await rm(folder, { recursive: true, force: true });
});

describe("prompt files", () => {
  it("writes prompts and reads them back", async () => {
    folder = await mkdtemp(join(tmpdir(), "passerelle-prompts-"));
    const custom = {
      id: "c",
      title: "Haiku",
      icon: "Leaf",
      template: "A haiku about {argument}",
      resultAction: "copy" as const,
    };
    const path = await writePromptFile([custom, BUILT_IN_PROMPTS[0]], promptFilePath(folder));
    expect(path).toBe(join(folder, "passerelle-prompts.json"));
    const read = await readPromptFile(path);
    expect(read.map((prompt) => prompt.title)).toEqual(["Haiku", BUILT_IN_PROMPTS[0].title]);
    expect(read[0].resultAction).toBe("copy");
  });

  it("refuses a file that is not a prompts file", async () => {
    folder = await mkdtemp(join(tmpdir(), "passerelle-prompts-"));
    const path = join(folder, "other.json");
    await writeFile(path, '{"hello": 1}');
    await expect(readPromptFile(path)).rejects.toThrow("no list of prompts");
  });
});
