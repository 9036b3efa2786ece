import { readFile, writeFile, mkdir } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { exportPrompts, parsePromptFile } from "../prompts/prompt-list";
import type { Prompt } from "../prompts/prompt";

/** Writes the prompts as JSON into `folder` (the Downloads folder by default); returns the file's path. */
export async function writePromptFile(prompts: Prompt[], folder = join(homedir(), "Downloads")): Promise<string> {
  await mkdir(folder, { recursive: true });
  const path = join(folder, "passerelle-prompts.json");
  await writeFile(path, exportPrompts(prompts), "utf8");
  return path;
}

/** Reads and checks a prompts file written by Export Prompts. */
export async function readPromptFile(path: string): Promise<Prompt[]> {
  return parsePromptFile(await readFile(path, "utf8"));
}
