import { BUILT_IN_PROMPTS, placeholdersIn, type Prompt, type ResultAction } from "./prompt";
import type { ReasoningEffort } from "../openai/completion";

/** What is stored: the user's ordered list, and the built-ins they deleted (so new built-ins still appear). */
export interface StoredPrompts {
  version: 1;
  prompts: Prompt[];
  removedBuiltIns: string[];
}

/** The list to show: the stored one, plus built-ins added since it was saved. */
export function withBuiltIns(stored: StoredPrompts | undefined): Prompt[] {
  if (!stored) return BUILT_IN_PROMPTS.map((prompt) => ({ ...prompt }));
  const have = new Set(stored.prompts.map((prompt) => prompt.id));
  const missing = BUILT_IN_PROMPTS.filter(
    (prompt) => !have.has(prompt.id) && !stored.removedBuiltIns.includes(prompt.id),
  );
  return [...stored.prompts, ...missing.map((prompt) => ({ ...prompt }))];
}

/** Moves a prompt up (-1) or down (+1); unchanged at the ends. */
export function movePrompt(prompts: Prompt[], id: string, delta: -1 | 1): Prompt[] {
  const from = prompts.findIndex((prompt) => prompt.id === id);
  const to = from + delta;
  if (from < 0 || to < 0 || to >= prompts.length) return prompts;
  const next = [...prompts];
  [next[from], next[to]] = [next[to], next[from]];
  return next;
}

/** A copy placed right after the original, as a custom prompt. */
export function duplicatePrompt(prompts: Prompt[], id: string, newId: string): Prompt[] {
  const index = prompts.findIndex((prompt) => prompt.id === id);
  if (index < 0) return prompts;
  const copy: Prompt = { ...prompts[index], id: newId, title: `${prompts[index].title} Copy`, builtIn: undefined };
  return [...prompts.slice(0, index + 1), copy, ...prompts.slice(index + 1)];
}

/** Puts a built-in prompt back as shipped; custom prompts are unchanged. */
export function resetPrompt(prompts: Prompt[], id: string): Prompt[] {
  const original = BUILT_IN_PROMPTS.find((prompt) => prompt.id === id);
  if (!original) return prompts;
  return prompts.map((prompt) => (prompt.id === id ? { ...original } : prompt));
}

/** Brings back deleted built-in prompts, at the end. */
export function restoreBuiltIns(prompts: Prompt[]): Prompt[] {
  const have = new Set(prompts.map((prompt) => prompt.id));
  return [...prompts, ...BUILT_IN_PROMPTS.filter((prompt) => !have.has(prompt.id)).map((prompt) => ({ ...prompt }))];
}

/** True when a built-in prompt differs from how it shipped. */
export function isModifiedBuiltIn(prompt: Prompt): boolean {
  const original = BUILT_IN_PROMPTS.find((builtIn) => builtIn.id === prompt.id);
  if (!original) return false;
  return (
    original.title !== prompt.title ||
    original.template !== prompt.template ||
    original.icon !== prompt.icon ||
    (prompt.model ?? "") !== "" ||
    prompt.creativity !== undefined ||
    Boolean(prompt.webSearch) ||
    prompt.reasoningEffort !== undefined ||
    original.resultAction !== prompt.resultAction
  );
}

/** A title as Run Prompt compares it: case, repeated spaces and a closing ellipsis ignored. */
function titleKey(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/\s+/g, " ")
    .replace(/\s*(…|\.\.\.)$/, "");
}

/** What Run Prompt found for a name: the prompt, and whether the name was its id or whole title. */
export interface FoundPrompt {
  prompt: Prompt;
  exact: boolean;
}

/**
 * Finds the prompt Run Prompt was asked for: by id, else by whole title (case, spaces and a closing "…" ignored),
 * else among the titles beginning with the name the first that takes an `{argument}` when one was given, else the
 * first of them.
 */
export function findPrompt(prompts: Prompt[], nameOrId: string, argument?: string): FoundPrompt | undefined {
  const wanted = titleKey(nameOrId);
  const exact =
    prompts.find((prompt) => prompt.id === nameOrId.trim()) ??
    prompts.find((prompt) => titleKey(prompt.title) === wanted);
  if (exact) return { prompt: exact, exact: true };
  const starting = prompts.filter((prompt) => titleKey(prompt.title).startsWith(wanted));
  const takesArgument = argument?.trim()
    ? starting.find((prompt) => placeholdersIn(prompt.template).has("argument"))
    : undefined;
  const prompt = takesArgument ?? starting[0];
  return prompt && { prompt, exact: false };
}

/** The JSON file written by Export Prompts. */
export function exportPrompts(prompts: Prompt[]): string {
  return `${JSON.stringify({ format: "passerelle-prompts", version: 1, prompts }, null, 2)}\n`;
}

const RESULT_ACTIONS: ResultAction[] = ["show", "copy", "paste"];
const EFFORTS: ReasoningEffort[] = ["minimal", "low", "medium", "high"];

/** Reads an exported file (or a bare array of prompts), checking every field. Throws a readable error. */
export function parsePromptFile(text: string): Prompt[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error("The file is not JSON.");
  }
  const list = Array.isArray(data) ? data : (data as { prompts?: unknown })?.prompts;
  if (!Array.isArray(list)) throw new Error("The file has no list of prompts.");
  return list.map((item, index) => {
    const where = `Prompt ${index + 1}`;
    if (!item || typeof item !== "object") throw new Error(`${where} is not an object.`);
    const value = item as Record<string, unknown>;
    if (typeof value.title !== "string" || !value.title.trim()) throw new Error(`${where} has no title.`);
    if (typeof value.template !== "string" || !value.template.trim()) throw new Error(`${where} has no template.`);
    const creativity = value.creativity;
    if (creativity !== undefined && (typeof creativity !== "number" || creativity < 0 || creativity > 2)) {
      throw new Error(`${where}: creativity must be a number from 0 to 2.`);
    }
    const resultAction = RESULT_ACTIONS.includes(value.resultAction as ResultAction)
      ? (value.resultAction as ResultAction)
      : "show";
    return {
      id: typeof value.id === "string" && value.id ? value.id : `imported-${index}-${value.title.trim()}`,
      title: value.title.trim(),
      icon: typeof value.icon === "string" && value.icon ? value.icon : "Stars",
      template: value.template,
      model: typeof value.model === "string" && value.model ? value.model : undefined,
      creativity: creativity as number | undefined,
      ...(value.webSearch === true && { webSearch: true }),
      ...(EFFORTS.includes(value.reasoningEffort as ReasoningEffort) && {
        reasoningEffort: value.reasoningEffort as ReasoningEffort,
      }),
      resultAction,
      builtIn: BUILT_IN_PROMPTS.some((prompt) => prompt.id === value.id) || undefined,
    };
  });
}

/** Adds imported prompts: same id replaces, new ones go at the end; says how many of each. */
export function mergeImported(
  prompts: Prompt[],
  imported: Prompt[],
): { prompts: Prompt[]; added: number; replaced: number } {
  const byId = new Map(imported.map((prompt) => [prompt.id, prompt]));
  const merged = prompts.map((prompt) => byId.get(prompt.id) ?? prompt);
  const existing = new Set(prompts.map((prompt) => prompt.id));
  const added = [...byId.values()].filter((prompt) => !existing.has(prompt.id));
  return { prompts: [...merged, ...added], added: added.length, replaced: byId.size - added.length };
}
