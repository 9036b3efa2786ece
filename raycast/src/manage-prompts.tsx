import { randomUUID } from "node:crypto";
import {
  Action,
  ActionPanel,
  Alert,
  confirmAlert,
  Icon,
  Keyboard,
  List,
  showInFinder,
  showToast,
  Toast,
} from "@raycast/api";
import { writePromptFile } from "./storage/prompt-file";
import { promptDeeplink } from "./prompts/quicklinks";
import { showFailure } from "./failures/toast";
import { ImportPromptsForm } from "./components/import-prompts-form";
import { PromptForm } from "./components/prompt-form";
import { promptIcon } from "./components/prompt-picker";
import {
  duplicatePrompt,
  isModifiedBuiltIn,
  mergeImported,
  movePrompt,
  resetPrompt,
  restoreBuiltIns,
} from "./prompts/prompt-list";
import type { Prompt } from "./prompts/prompt";
import { usePrompts } from "./hooks/use-prompts";

const RESULT_LABEL = { show: "Shows", copy: "Copies", paste: "Pastes" } as const;

/** Manage Prompts: create, edit, duplicate, delete, reorder, reset, import, export; Quicklinks for hotkeys. */
export default function Command() {
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
  const exportAll = async () => {
    try {
      const path = await writePromptFile(prompts);
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

  const createAction = (
    <Action.Push
      title="Create Prompt"
      icon={Icon.Plus}
      shortcut={Keyboard.Shortcut.Common.New}
      target={<PromptForm newId={randomUUID()} onSave={upsert} />}
    />
  );
  const fileActions = (
    <ActionPanel.Section title="All Prompts">
      <Action.Push
        title="Import Prompts"
        icon={Icon.Download}
        shortcut={{ modifiers: ["cmd", "shift"], key: "i" }}
        target={<ImportPromptsForm onImport={(imported) => save(mergeImported(prompts, imported))} />}
      />
      <Action
        title="Export Prompts"
        icon={Icon.Upload}
        shortcut={{ modifiers: ["cmd", "shift"], key: "e" }}
        onAction={exportAll}
      />
      <Action
        title="Restore Built-in Prompts"
        icon={Icon.RotateAntiClockwise}
        onAction={() => save(restoreBuiltIns(prompts))}
      />
    </ActionPanel.Section>
  );

  return (
    <List isLoading={isLoading} searchBarPlaceholder="Search prompts…">
      <List.EmptyView
        icon={Icon.Stars}
        title="No prompts"
        actions={
          <ActionPanel>
            {createAction}
            {fileActions}
          </ActionPanel>
        }
      />
      {prompts.map((prompt) => (
        <List.Item
          key={prompt.id}
          title={prompt.title}
          icon={promptIcon(prompt)}
          keywords={[prompt.template]}
          accessories={[
            ...(prompt.model ? [{ tag: prompt.model }] : []),
            ...(isModifiedBuiltIn(prompt) ? [{ text: "Edited" }] : []),
            { text: RESULT_LABEL[prompt.resultAction] ?? "Shows" },
          ]}
          actions={
            <ActionPanel>
              <Action.Push
                title="Edit Prompt"
                icon={Icon.Pencil}
                target={<PromptForm prompt={prompt} newId={prompt.id} onSave={upsert} />}
              />
              <Action.CreateQuicklink
                title="Create Quicklink"
                quicklink={{ link: promptDeeplink(prompt), name: `Passerelle: ${prompt.title}` }}
                shortcut={{ modifiers: ["cmd", "shift"], key: "l" }}
              />
              {createAction}
              <Action
                title="Duplicate Prompt"
                icon={Icon.Duplicate}
                shortcut={Keyboard.Shortcut.Common.Duplicate}
                onAction={() => save(duplicatePrompt(prompts, prompt.id, randomUUID()))}
              />
              <ActionPanel.Section>
                <Action
                  title="Raise Prompt"
                  icon={Icon.ArrowUp}
                  shortcut={Keyboard.Shortcut.Common.MoveUp}
                  onAction={() => save(movePrompt(prompts, prompt.id, -1))}
                />
                <Action
                  title="Lower Prompt"
                  icon={Icon.ArrowDown}
                  shortcut={Keyboard.Shortcut.Common.MoveDown}
                  onAction={() => save(movePrompt(prompts, prompt.id, 1))}
                />
                {isModifiedBuiltIn(prompt) && (
                  <Action
                    title="Reset to Original"
                    icon={Icon.RotateAntiClockwise}
                    onAction={() => save(resetPrompt(prompts, prompt.id))}
                  />
                )}
                <Action
                  title="Delete Prompt"
                  icon={Icon.Trash}
                  style={Action.Style.Destructive}
                  shortcut={Keyboard.Shortcut.Common.Remove}
                  onAction={() => remove(prompt)}
                />
              </ActionPanel.Section>
              {fileActions}
            </ActionPanel>
          }
        />
      ))}
    </List>
  );
}
