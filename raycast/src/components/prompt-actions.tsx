import { randomUUID } from "node:crypto";
import { Action, ActionPanel, Icon, Keyboard } from "@raycast/api";
import type { PromptEditor } from "../hooks/use-prompt-editor";
import { duplicatePrompt, isModifiedBuiltIn, movePrompt, resetPrompt, restoreBuiltIns } from "../prompts/prompt-list";
import type { Prompt } from "../prompts/prompt";
import { promptDeeplink } from "../prompts/quicklinks";
import { ImportPromptsForm } from "./import-prompts-form";
import { PromptForm } from "./prompt-form";

/** "Create Prompt" (⌘N). */
export function CreatePromptAction(props: { editor: PromptEditor }) {
  return (
    <Action.Push
      title="Create Prompt"
      icon={Icon.Plus}
      shortcut={Keyboard.Shortcut.Common.New}
      target={<PromptForm newId={randomUUID()} onSave={props.editor.upsert} />}
    />
  );
}

/** Import, export and restore: what applies to the whole list. */
export function AllPromptsActions(props: { editor: PromptEditor }) {
  const { editor } = props;
  return (
    <ActionPanel.Section title="All Prompts">
      <Action.Push
        title="Import Prompts"
        icon={Icon.Download}
        shortcut={{ modifiers: ["cmd", "shift"], key: "i" }}
        target={<ImportPromptsForm onImport={editor.importAll} />}
      />
      <Action
        title="Export Prompts"
        icon={Icon.Upload}
        shortcut={{ modifiers: ["cmd", "shift"], key: "e" }}
        onAction={editor.exportAll}
      />
      <Action
        title="Restore Built-in Prompts"
        icon={Icon.RotateAntiClockwise}
        onAction={() => editor.save(restoreBuiltIns(editor.prompts))}
      />
    </ActionPanel.Section>
  );
}

/** Edit, Quicklink, create and duplicate; then move, reset and delete; then the whole list's actions. */
export function PromptActions(props: { prompt: Prompt; editor: PromptEditor }) {
  const { prompt, editor } = props;
  return (
    <ActionPanel>
      <Action.Push
        title="Edit Prompt"
        icon={Icon.Pencil}
        target={<PromptForm prompt={prompt} newId={prompt.id} onSave={editor.upsert} />}
      />
      <Action.CreateQuicklink
        title="Create Quicklink"
        quicklink={{ link: promptDeeplink(prompt), name: `Passerelle: ${prompt.title}` }}
        shortcut={{ modifiers: ["cmd", "shift"], key: "l" }}
      />
      <CreatePromptAction editor={editor} />
      <Action
        title="Duplicate Prompt"
        icon={Icon.Duplicate}
        shortcut={Keyboard.Shortcut.Common.Duplicate}
        onAction={() => editor.save(duplicatePrompt(editor.prompts, prompt.id, randomUUID()))}
      />
      <PlaceActions prompt={prompt} editor={editor} />
      <AllPromptsActions editor={editor} />
    </ActionPanel>
  );
}

/** Raise, lower, reset (an edited built-in) and delete. */
function PlaceActions(props: { prompt: Prompt; editor: PromptEditor }) {
  const { prompt, editor } = props;
  const { prompts, save } = editor;
  return (
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
        onAction={() => editor.remove(prompt)}
      />
    </ActionPanel.Section>
  );
}
