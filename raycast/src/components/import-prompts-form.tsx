import { Action, ActionPanel, Form, Icon, showToast, Toast, useNavigation } from "@raycast/api";
import { readPromptFile } from "../storage/prompt-file";
import type { Prompt } from "../prompts/prompt";
import { showFailure } from "../failures/toast";

/** Picks a JSON file written by Export Prompts and adds its prompts. */
export function ImportPromptsForm(props: { onImport: (prompts: Prompt[]) => Promise<void> }) {
  const { pop } = useNavigation();
  const submit = async (values: { file: string[] | string }) => {
    const path = Array.isArray(values.file) ? values.file[0] : values.file;
    if (!path) return;
    try {
      const imported = await readPromptFile(path);
      await props.onImport(imported);
      await showToast({ style: Toast.Style.Success, title: `Imported ${imported.length} prompts` });
      pop();
    } catch (error) {
      await showFailure(error);
    }
  };
  return (
    <Form
      navigationTitle="Import Prompts"
      actions={
        <ActionPanel>
          <Action.SubmitForm title="Import Prompts" icon={Icon.Download} onSubmit={submit} />
        </ActionPanel>
      }
    >
      <Form.FilePicker id="file" title="Prompts File" allowMultipleSelection={false} />
      <Form.Description text="A file made with Export Prompts. Prompts with the same id replace yours; the others are added." />
    </Form>
  );
}
