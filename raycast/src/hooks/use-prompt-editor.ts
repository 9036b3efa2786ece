import { basename } from "node:path";
import { Alert, confirmAlert, showInFinder, showToast, Toast } from "@raycast/api";
import { showFailure } from "../failures/toast";
import { mergeImported } from "../prompts/prompt-list";
import type { Prompt } from "../prompts/prompt";
import { fileExists, promptFilePath, writePromptFile } from "../storage/prompt-file";
import { usePrompts } from "./use-prompts";

/** The prompts, with what Manage Prompts does to them: save one, delete one (asked first), import, export. */
export function usePromptEditor() {
  const { prompts, isLoading, save } = usePrompts();

  const upsert = async (prompt: Prompt) => {
    const exists = prompts.some((item) => item.id === prompt.id);
    await save(exists ? prompts.map((item) => (item.id === prompt.id ? prompt : item)) : [...prompts, prompt]);
    await showToast({
      style: Toast.Style.Success,
      title: exists ? "Prompt saved" : "Prompt created",
      message: prompt.title,
    });
  };

  const remove = async (prompt: Prompt) => {
    const sure = await confirmAlert({
      title: `Delete “${prompt.title}”?`,
      message: prompt.builtIn ? "You can bring built-in prompts back with Restore Built-in Prompts." : undefined,
      primaryAction: { title: "Delete Prompt", style: Alert.ActionStyle.Destructive },
    });
    if (sure) await save(prompts.filter((item) => item.id !== prompt.id));
  };

  const importAll = async (imported: Prompt[]) => {
    const merged = mergeImported(prompts, imported);
    await save(merged.prompts);
    await showToast({
      style: Toast.Style.Success,
      title: `Imported ${imported.length} ${imported.length === 1 ? "prompt" : "prompts"}`,
      message: `${merged.added} added, ${merged.replaced} replaced`,
    });
  };

  const exportAll = async () => {
    try {
      const path = promptFilePath();
      if ((await fileExists(path)) && !(await confirmReplace(path))) return;
      await writePromptFile(prompts, path);
      await showToast({
        style: Toast.Style.Success,
        title: `Exported ${prompts.length} prompts`,
        message: path,
        primaryAction: { title: "Show in Finder", onAction: () => void showInFinder(path) },
      });
    } catch (error) {
      await showFailure(error);
    }
  };

  return { prompts, isLoading, save, upsert, remove, importAll, exportAll };
}

/** Asks before Export Prompts replaces a file written earlier. */
function confirmReplace(path: string): Promise<boolean> {
  return confirmAlert({
    title: `Replace ${basename(path)}?`,
    message: `${path} exists already: exporting replaces it with the prompts you have now.`,
    primaryAction: { title: "Replace", style: Alert.ActionStyle.Destructive },
  });
}

/** What the actions of Manage Prompts work with. */
export type PromptEditor = ReturnType<typeof usePromptEditor>;
