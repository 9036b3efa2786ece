import { Action, ActionPanel, Form, Icon, useNavigation } from "@raycast/api";
import { useForm } from "@raycast/utils";
import { readPromptFile } from "../storage/prompt-file";
import type { Prompt } from "../prompts/prompt";
import { showFailure } from "../failures/toast";

/** Picks a JSON file written by Export Prompts and adds its prompts; no file chosen is said beside the field. */
export function ImportPromptsForm(props: { onImport: (prompts: Prompt[]) => Promise<void> }) {
  const { pop } = useNavigation();
  const { handleSubmit, itemProps } = useForm<{ file: string[] }>({
    validation: { file: (value) => (pathOf(value) ? undefined : "Choose a file made with Export Prompts") },
    onSubmit: async (values) => {
      try {
        await props.onImport(await readPromptFile(pathOf(values.file)!));
        pop();
      } catch (error) {
        await showFailure(error);
      }
    },
  });
  return (
    <Form
      navigationTitle="Import Prompts"
      actions={
        <ActionPanel>
          <Action.SubmitForm title="Import Prompts" icon={Icon.Download} onSubmit={handleSubmit} />
        </ActionPanel>
      }
    >
      <Form.FilePicker title="Prompts File" allowMultipleSelection={false} {...itemProps.file} />
      <Form.Description text="A file made with Export Prompts. Prompts with the same id replace yours; the others are added." />
    </Form>
  );
}

/** The chosen file (Raycast gives a list of paths). */
function pathOf(value: string[] | string | undefined): string | undefined {
  return (Array.isArray(value) ? value[0] : value) || undefined;
}
