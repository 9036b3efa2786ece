import { LocalStorage } from "@raycast/api";
import { withBuiltIns, type StoredPrompts } from "../prompts/prompt-list";
import { BUILT_IN_PROMPTS, type Prompt } from "../prompts/prompt";

const KEY = "prompts";

/** The prompts in the user's order, built-ins included. */
export async function loadPrompts(): Promise<Prompt[]> {
  return withBuiltIns(await readStored());
}

/** Saves the whole list; built-ins missing from it are remembered as deleted. */
export async function savePrompts(prompts: Prompt[]): Promise<void> {
  const ids = new Set(prompts.map((prompt) => prompt.id));
  const stored: StoredPrompts = {
    version: 1,
    prompts,
    removedBuiltIns: BUILT_IN_PROMPTS.filter((prompt) => !ids.has(prompt.id)).map((prompt) => prompt.id),
  };
  await LocalStorage.setItem(KEY, JSON.stringify(stored));
}

async function readStored(): Promise<StoredPrompts | undefined> {
  const raw = await LocalStorage.getItem<string>(KEY);
  if (typeof raw !== "string") return undefined;
  try {
    const stored = JSON.parse(raw) as StoredPrompts;
    if (!Array.isArray(stored.prompts)) return undefined;
    return { version: 1, prompts: stored.prompts, removedBuiltIns: stored.removedBuiltIns ?? [] };
  } catch {
    return undefined;
  }
}
