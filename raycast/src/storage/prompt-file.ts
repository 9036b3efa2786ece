import { access, readFile, writeFile, mkdir } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { exportPrompts, parsePromptFile } from "../prompts/prompt-list";
import type { Prompt } from "../prompts/prompt";

/** Where Export Prompts writes: `passerelle-prompts.json` in `folder` (the Downloads folder by default). */
export function promptFilePath(folder = join(homedir(), "Downloads")): string {
  return join(folder, "passerelle-prompts.json");
}

/** True when a file is at `path` already (Export Prompts asks before replacing it). */
export async function fileExists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Writes the prompts as JSON at `path` (by default {@link promptFilePath}); returns the file's path. */
export async function writePromptFile(prompts: Prompt[], path = promptFilePath()): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, exportPrompts(prompts), "utf8");
  return path;
}

/** Reads and checks a prompts file written by Export Prompts. */
export async function readPromptFile(path: string): Promise<Prompt[]> {
  return parsePromptFile(await readFile(path, "utf8"));
}
