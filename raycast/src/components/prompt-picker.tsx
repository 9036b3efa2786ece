import { Action, ActionPanel, confirmAlert, Icon, List, useNavigation, type Image } from "@raycast/api";
import { promptDeeplink } from "../prompts/quicklinks";
import { formatSize } from "../helpers/format";
import { placeholdersIn, type Prompt } from "../prompts/prompt";
import { isLongInput } from "../helpers/selection";
import { usePrompts } from "../hooks/use-prompts";
import { ArgumentForm } from "./argument-form";
import { TransformResult, type TransformInput } from "./transform-result";

/** A prompt's icon name as a Raycast icon (unknown names fall back to a star). */
export function promptIcon(prompt: Prompt): Image.ImageLike {
  return (Icon as Record<string, Image.ImageLike>)[prompt.icon] ?? Icon.Stars;
}

/** Warns with the input's size before sending a very long text. */
export async function confirmLongInput(text: string): Promise<boolean> {
  if (!isLongInput(text)) return true;
  return confirmAlert({
    title: `Send ${formatSize(text.length)}?`,
    message: "This text is very long: it costs more tokens and may exceed the model's context.",
    primaryAction: { title: "Send" },
  });
}

/** A searchable list of prompts to run on `input`. */
export function PromptPicker(props: { input: TransformInput }) {
  const { prompts, isLoading } = usePrompts();
  const { push } = useNavigation();
  const { input } = props;

  const run = async (prompt: Prompt) => {
    if (!(await confirmLongInput(input.text))) return;
    const show = (argument?: string) =>
      push(<TransformResult prompt={prompt} input={input} argument={argument} canTryAnotherPrompt />);
    if (placeholdersIn(prompt.template).has("argument")) push(<ArgumentForm prompt={prompt} onSubmit={show} />);
    else show();
  };

  const preview = input.text.length > 80 ? `${input.text.slice(0, 80)}…` : input.text;
  return (
    <List
      isLoading={isLoading}
      navigationTitle={`Transform ${input.source === "selection" ? "Selected Text" : "Clipboard"}`}
      searchBarPlaceholder="Choose a prompt…"
    >
      <List.Section
        title={`${input.source === "selection" ? "Selected text" : "Clipboard"}: ${formatSize(input.text.length)}`}
        subtitle={preview}
      >
        {prompts.map((prompt) => (
          <List.Item
            key={prompt.id}
            title={prompt.title}
            icon={promptIcon(prompt)}
            accessories={prompt.model ? [{ tag: prompt.model }] : []}
            actions={
              <ActionPanel>
                <Action title="Run Prompt" icon={Icon.Play} onAction={() => run(prompt)} />
                <Action.CreateQuicklink
                  title="Create Quicklink"
                  quicklink={{ link: promptDeeplink(prompt), name: `Passerelle: ${prompt.title}` }}
                  shortcut={{ modifiers: ["cmd", "shift"], key: "l" }}
                />
              </ActionPanel>
            }
          />
        ))}
      </List.Section>
    </List>
  );
}
