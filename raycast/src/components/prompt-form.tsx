import { Action, ActionPanel, Form, Icon, useNavigation } from "@raycast/api";
import { useForm } from "@raycast/utils";
import type { ReasoningEffort } from "../openai/completion";
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
  reasoningEffort: string;
  webSearch: boolean;
  resultAction: string;
}

/** The prompt a filled form describes. */
function promptFrom(values: Values, id: string, builtIn: boolean | undefined): Prompt {
  return {
    id,
    title: values.title.trim(),
    icon: values.icon || "Stars",
    template: values.template,
    model: values.model.trim() || undefined,
    creativity: values.creativity === "" ? undefined : Number(values.creativity),
    ...(values.webSearch && { webSearch: true }),
    ...(values.reasoningEffort && { reasoningEffort: values.reasoningEffort as ReasoningEffort }),
    resultAction: (values.resultAction as ResultAction) || "show",
    builtIn,
  };
}

/** A prompt's fields as the form starts with them. */
function initialValues(prompt: Prompt | undefined): Values {
  return {
    title: prompt?.title ?? "",
    icon: prompt?.icon ?? "Stars",
    template: prompt?.template ?? "",
    model: prompt?.model ?? "",
    creativity: prompt?.creativity === undefined ? "" : String(prompt.creativity),
    reasoningEffort: prompt?.reasoningEffort ?? "",
    webSearch: Boolean(prompt?.webSearch),
    resultAction: prompt?.resultAction ?? "show",
  };
}

/** Creates or edits a prompt; a title and instructions are required, said beside each field. */
export function PromptForm(props: {
  prompt?: Prompt;
  newId: string;
  onSave: (prompt: Prompt) => Promise<void> | void;
}) {
  const { pop } = useNavigation();
  const { prompt } = props;
  const { handleSubmit, itemProps } = useForm<Values>({
    initialValues: initialValues(prompt),
    validation: {
      title: (value) => (value?.trim() ? undefined : "A prompt needs a title"),
      template: (value) => (value?.trim() ? undefined : "A prompt needs instructions"),
    },
    onSubmit: async (values) => {
      await props.onSave(promptFrom(values, prompt?.id ?? props.newId, prompt?.builtIn));
      pop();
    },
  });

  return (
    <Form
      navigationTitle={prompt ? `Edit ${prompt.title}` : "Create Prompt"}
      actions={
        <ActionPanel>
          <Action.SubmitForm title="Save Prompt" icon={Icon.Check} onSubmit={handleSubmit} />
        </ActionPanel>
      }
    >
      <Form.TextField title="Title" placeholder="Fix Spelling and Grammar" {...itemProps.title} />
      <Form.Dropdown title="Icon" {...itemProps.icon}>
        {[...new Set([...(prompt ? [prompt.icon] : []), ...ICONS])].map((name) => (
          <Form.Dropdown.Item key={name} value={name} title={name} icon={(Icon as Record<string, string>)[name]} />
        ))}
      </Form.Dropdown>
      <Form.TextArea
        title="Instructions"
        placeholder={"Rewrite the text below as a haiku.\n\n{selection}"}
        info="{selection}: the selected text (or the clipboard in Transform Clipboard). {clipboard}: the clipboard. {argument}: asked when the prompt runs; {argument|French} gives a default."
        {...itemProps.template}
      />
      <Form.Description text="Placeholders: {selection}, {clipboard}, {argument} — with a default: {argument|English}. Without {selection}, the text is added after the instructions." />
      <RunFields itemProps={itemProps} />
    </Form>
  );
}

/** How a prompt runs: its model, creativity, reasoning effort, web search, and what becomes of the result. */
function RunFields({ itemProps }: { itemProps: ReturnType<typeof useForm<Values>>["itemProps"] }) {
  return (
    <>
      <Form.TextField title="Model" placeholder="Default model for transforms" {...itemProps.model} />
      <Form.Dropdown title="Creativity" {...itemProps.creativity}>
        {CREATIVITY.map((option) => (
          <Form.Dropdown.Item key={option.value} value={option.value} title={option.title} />
        ))}
      </Form.Dropdown>
      <Form.Dropdown
        title="Reasoning Effort"
        info="For reasoning models (o4-mini, gpt-5…): how long they think before answering."
        {...itemProps.reasoningEffort}
      >
        <Form.Dropdown.Item value="" title="As in Preferences" />
        <Form.Dropdown.Item value="minimal" title="Minimal" />
        <Form.Dropdown.Item value="low" title="Low" />
        <Form.Dropdown.Item value="medium" title="Medium" />
        <Form.Dropdown.Item value="high" title="High" />
      </Form.Dropdown>
      <Form.Checkbox
        label="Search the web"
        info="OpenAI's models only: the answer may search the web and cite its sources."
        {...itemProps.webSearch}
      />
      <Form.Dropdown
        title="Result"
        info="What Run Prompt and Quicklinks do with the result."
        {...itemProps.resultAction}
      >
        <Form.Dropdown.Item value="show" title="Show It" icon={Icon.Eye} />
        <Form.Dropdown.Item value="copy" title="Copy It" icon={Icon.Clipboard} />
        <Form.Dropdown.Item value="paste" title="Paste It" icon={Icon.Text} />
      </Form.Dropdown>
    </>
  );
}
