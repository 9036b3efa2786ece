import { ActionPanel, Icon, List } from "@raycast/api";
import { AllPromptsActions, CreatePromptAction, PromptActions } from "./components/prompt-actions";
import { promptIcon } from "./components/prompt-picker";
import { usePromptEditor } from "./hooks/use-prompt-editor";
import { isModifiedBuiltIn } from "./prompts/prompt-list";
import { useState } from "react";

const RESULT_LABEL = { show: "Shows", copy: "Copies", paste: "Pastes" } as const;

/** Manage Prompts: create, edit, duplicate, delete, reorder, reset, import, export; Quicklinks for hotkeys. */
export default function Command() {
  const editor = usePromptEditor();
  const [search, setSearch] = useState("");
  return (
    <List isLoading={editor.isLoading} searchBarPlaceholder="Search prompts…" filtering onSearchTextChange={setSearch}>
      <List.EmptyView
        icon={Icon.Stars}
        title={search.trim() ? `No prompts match “${search.trim()}”` : "No prompts"}
        actions={
          <ActionPanel>
            <CreatePromptAction editor={editor} />
            <AllPromptsActions editor={editor} />
          </ActionPanel>
        }
      />
      {editor.prompts.map((prompt) => (
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
          actions={<PromptActions prompt={prompt} editor={editor} />}
        />
      ))}
    </List>
  );
}
