import { Action, ActionPanel, Icon, List, open } from "@raycast/api";
import { ACCESSIBILITY_SETTINGS_URL } from "../helpers/selection";
import { useRelayWarmUp } from "../hooks/use-relay-warm-up";
import { useTransformInput } from "../hooks/use-transform-input";
import { PromptPicker } from "./prompt-picker";
import type { TransformInput } from "./transform-result";

/** Transform Selected Text / Transform Clipboard: get the text, then pick a prompt. */
export function TransformCommand(props: { source: "selection" | "clipboard" }) {
  // The connection opens while the text is read and a prompt picked.
  useRelayWarmUp();
  return <WithInput source={props.source} render={(input) => <PromptPicker input={input} />} />;
}

/**
 * Gets the text to work on, then renders `render(input)`. When there is no selection (or no permission to read it),
 * says so and offers the clipboard — never fails silently.
 */
export function WithInput(props: {
  source: "selection" | "clipboard" | "none";
  render: (input: TransformInput) => React.ReactNode;
}) {
  const { input, problem, isLoading, switchToClipboard } = useTransformInput(props.source);
  if (input) return <>{props.render(input)}</>;
  // A selection that could not be read offers the clipboard instead, and the permission that may be missing.
  const fromSelection = problem?.kind === "nothing-selected" || problem?.kind === "permission";
  return (
    <List isLoading={isLoading}>
      {problem && (
        <List.EmptyView
          icon={fromSelection ? Icon.TextCursor : Icon.Clipboard}
          title={problem.title}
          description={problem.message}
          actions={
            <ActionPanel>
              {fromSelection && (
                <Action title="Use Clipboard Instead" icon={Icon.Clipboard} onAction={switchToClipboard} />
              )}
              {fromSelection && (
                <Action
                  title="Open Accessibility Settings"
                  icon={Icon.Gear}
                  onAction={() => open(ACCESSIBILITY_SETTINGS_URL)}
                />
              )}
            </ActionPanel>
          }
        />
      )}
    </List>
  );
}
