import { Action, ActionPanel, Form, Icon, useNavigation } from "@raycast/api";
import { useState } from "react";
import type { Prompt, ResultAction } from "../prompts/prompt";

const ICONS = [
  "Stars",
  "Wand",
  "Pencil",
  "CheckCircle",
  "Globe",
  "Paragraph",
  "QuestionMark",
  "Code",
  "Envelope",
  "Reply",
  "Minimize",
  "Maximize",
  "Emoji",
  "Building",
  "LightBulb",
  "Hashtag",
];

const CREATIVITY: { title: string; value: string }[] = [
  { title: "Model Default", value: "" },
  { title: "None (0)", value: "0" },
  { title: "Low (0.3)", value: "0.3" },
  { title: "Medium (0.7)", value: "0.7" },
  { title: "High (1.0)", value: "1" },
  { title: "Maximum (1.5)", value: "1.5" },
];

interface Values {
  title: string;
  icon: string;
  template: string;
  model: string;
  creativity: string;
  resultAction: string;
}

/** Creates or edits a prompt. */
export function PromptForm(props: {
  prompt?: Prompt;
  newId: string;
  onSave: (prompt: Prompt) => Promise<void> | void;
}) {
  const { pop } = useNavigation();
  const [errors, setErrors] = useState<{ title?: string; template?: string }>({});
  const prompt = props.prompt;

  const submit = async (values: Values) => {
    const found = {
      title: values.title.trim() ? undefined : "A prompt needs a title",
      template: values.template.trim() ? undefined : "A prompt needs instructions",
    };
    if (found.title || found.template) {
      setErrors(found);
      return;
    }
    await props.onSave({
      id: prompt?.id ?? props.newId,
      title: values.title.trim(),
      icon: values.icon || "Stars",
      template: values.template,
      model: values.model.trim() || undefined,
      creativity: values.creativity === "" ? undefined : Number(values.creativity),
      resultAction: (values.resultAction as ResultAction) || "show",
      builtIn: prompt?.builtIn,
    });
    pop();
  };

  return (
    <Form
      navigationTitle={prompt ? `Edit ${prompt.title}` : "Create Prompt"}
      actions={
        <ActionPanel>
          <Action.SubmitForm title="Save Prompt" icon={Icon.Check} onSubmit={submit} />
        </ActionPanel>
      }
    >
      <Form.TextField
        id="title"
        title="Title"
        placeholder="Fix Spelling and Grammar"
        defaultValue={prompt?.title}
        error={errors.title}
        onChange={() => setErrors({})}
      />
      <Form.Dropdown id="icon" title="Icon" defaultValue={prompt?.icon ?? "Stars"}>
        {[...new Set([...(prompt ? [prompt.icon] : []), ...ICONS])].map((name) => (
          <Form.Dropdown.Item key={name} value={name} title={name} icon={(Icon as Record<string, string>)[name]} />
        ))}
      </Form.Dropdown>
      <Form.TextArea
        id="template"
        title="Instructions"
        placeholder={"Rewrite the text below as a haiku.\n\n{selection}"}
        defaultValue={prompt?.template}
        error={errors.template}
        onChange={() => setErrors({})}
        info="{selection}: the selected text (or the clipboard in Transform Clipboard). {clipboard}: the clipboard. {argument}: asked when the prompt runs; {argument|French} gives a default."
      />
      <Form.Description text="Placeholders: {selection}, {clipboard}, {argument} — with a default: {argument|English}. Without {selection}, the text is added after the instructions." />
      <Form.TextField
        id="model"
        title="Model"
        placeholder="Default model for transforms"
        defaultValue={prompt?.model ?? ""}
      />
      <Form.Dropdown
        id="creativity"
        title="Creativity"
        defaultValue={prompt?.creativity === undefined ? "" : String(prompt.creativity)}
      >
        {CREATIVITY.map((option) => (
          <Form.Dropdown.Item key={option.value} value={option.value} title={option.title} />
        ))}
      </Form.Dropdown>
      <Form.Dropdown
        id="resultAction"
        title="Result"
        defaultValue={prompt?.resultAction ?? "show"}
        info="What Run Prompt and Quicklinks do with the result."
      >
        <Form.Dropdown.Item value="show" title="Show It" icon={Icon.Eye} />
        <Form.Dropdown.Item value="copy" title="Copy It" icon={Icon.Clipboard} />
        <Form.Dropdown.Item value="paste" title="Paste It" icon={Icon.Text} />
      </Form.Dropdown>
    </Form>
  );
}
