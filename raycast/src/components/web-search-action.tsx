import { Action, Icon, showToast, Toast, type Keyboard } from "@raycast/api";
import { answerApi } from "../openai/model-traits";

/** ⌘⇧W turns web search on or off for the next answer. */
const SHORTCUT: Keyboard.Shortcut = { modifiers: ["cmd", "shift"], key: "w" };

/**
 * "Search the Web" (or "Answer Without Web Search" when on). For a model a program on the PC serves, web search
 * does not exist: the action says so in its place.
 */
export function WebSearchAction(props: {
  model: string;
  servedByPC: ReadonlySet<string>;
  enabled: boolean;
  onChange: (enabled: boolean) => void;
}) {
  if (answerApi(props.model, props.servedByPC) === "chat") {
    return (
      <Action
        title="Web Search: Not for Models on the PC"
        icon={Icon.Globe}
        shortcut={SHORTCUT}
        onAction={() =>
          void showToast({
            style: Toast.Style.Failure,
            title: "No web search for this model",
            message: `${props.model} runs on your PC (the relay's models.json); web search is OpenAI's tool. Choose an OpenAI model with Try Another Model.`,
          })
        }
      />
    );
  }
  return (
    <Action
      title={props.enabled ? "Answer Without Web Search" : "Search the Web"}
      icon={Icon.Globe}
      shortcut={SHORTCUT}
      onAction={() => props.onChange(!props.enabled)}
    />
  );
}
