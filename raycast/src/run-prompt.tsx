import {
  Action,
  ActionPanel,
  Icon,
  launchCommand,
  LaunchType,
  List,
  showToast,
  Toast,
  type LaunchProps,
} from "@raycast/api";
import { ArgumentForm } from "./components/argument-form";
import { WithInput } from "./components/transform-command";
import { TransformResult } from "./components/transform-result";
import { findPrompt, type FoundPrompt } from "./prompts/prompt-list";
import { inputSourceFor, placeholdersIn, type Prompt } from "./prompts/prompt";
import { usePrompts } from "./hooks/use-prompts";
import { useRelayWarmUp } from "./hooks/use-relay-warm-up";
import { useEffect, useState } from "react";

/** Run Prompt: runs one prompt by name (what Quicklinks call), then shows, copies or pastes its result. */
export default function Command(props: LaunchProps<{ arguments: Arguments.RunPrompt }>) {
  // Opens the connection while the prompt and its text are found (a request made meanwhile waits to ride it).
  useRelayWarmUp();
  const { prompts, isLoading } = usePrompts();
  const name = props.arguments.prompt ?? "";
  const found = isLoading ? undefined : findPrompt(prompts, name, props.arguments.argument);
  const prompt = found?.prompt;
  useSayWhichPrompt(found, name, props.arguments.argument);

  if (!prompt) {
    return (
      <List isLoading={isLoading}>
        {!isLoading && (
          <List.EmptyView
            icon={Icon.MagnifyingGlass}
            title={`No prompt named “${name}”`}
            description="Check its name in Manage Prompts."
            actions={
              <ActionPanel>
                <Action
                  title="Manage Prompts"
                  icon={Icon.List}
                  onAction={() => launchCommand({ name: "manage-prompts", type: LaunchType.UserInitiated })}
                />
              </ActionPanel>
            }
          />
        )}
      </List>
    );
  }
  return <RunPrompt prompt={prompt} argument={props.arguments.argument} />;
}

/** When the name was not a whole title, says which prompt runs (and with what), once. */
function useSayWhichPrompt(found: FoundPrompt | undefined, name: string, argument: string | undefined) {
  const id = found && !found.exact ? found.prompt.id : undefined;
  useEffect(() => {
    if (!found || !id) return;
    const given = argument?.trim();
    void showToast({
      style: Toast.Style.Success,
      title: `Running “${found.prompt.title}”`,
      message: given ? `For “${name.trim()}”, with “${given}”` : `For “${name.trim()}”`,
    });
  }, [id]);
}

function RunPrompt(props: { prompt: Prompt; argument?: string }) {
  const { prompt } = props;
  const needsArgument = placeholdersIn(prompt.template).has("argument");
  const [argument, setArgument] = useState(props.argument?.trim() || undefined);
  if (needsArgument && argument === undefined) return <ArgumentForm prompt={prompt} onSubmit={setArgument} />;
  return (
    <WithInput
      source={inputSourceFor(prompt.template)}
      render={(input) => <TransformResult prompt={prompt} input={input} argument={argument} applyResult />}
    />
  );
}
