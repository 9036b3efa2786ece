import { Action, ActionPanel, Form, Icon } from "@raycast/api";
import type { Prompt } from "../prompts/prompt";

/** The default a template gives its `{argument|…}`, if any. */
export function argumentDefault(template: string): string | undefined {
  return /\{argument\|([^}]*)\}/.exec(template)?.[1];
}

/** Asks for a prompt's `{argument}` (e.g. the language for Translate to…). */
export function ArgumentForm(props: { prompt: Prompt; onSubmit: (argument: string) => void }) {
  const fallback = argumentDefault(props.prompt.template);
  return (
    <Form
      navigationTitle={props.prompt.title}
      actions={
        <ActionPanel>
          <Action.SubmitForm
            title="Run Prompt"
            icon={Icon.Play}
            onSubmit={(values: { argument: string }) => props.onSubmit(values.argument.trim() || fallback || "")}
          />
        </ActionPanel>
      }
    >
      <Form.TextField id="argument" title="Argument" placeholder={fallback ?? "Value for {argument}"} autoFocus />
      <Form.Description
        text={`Fills {argument} in “${props.prompt.title}”.${fallback ? ` Empty: ${fallback}.` : ""}`}
      />
    </Form>
  );
}
