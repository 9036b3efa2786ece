import { Action, ActionPanel, Detail, getPreferenceValues, Icon } from "@raycast/api";
import { usePromise } from "@raycast/utils";
import { rm } from "node:fs/promises";
import { useState } from "react";
import { prepareFiles, type FileToAttach } from "../attachments/attach";
import { describeFailure } from "../failures/describe";
import { showFailure, SCREEN_RECORDING_SETTINGS } from "../failures/toast";
import { newRequestId } from "../openai/answer-run";
import { reasoningEffort } from "../openai/effort";
import { chooseModel } from "../openai/model-traits";
import { questionMessages } from "../prompts/prompt";
import { AnswerView } from "./answer-view";

/** Reads the files, then removes those that were ours alone (a screenshot): their bytes are in memory now. */
async function readFiles(find: () => Promise<FileToAttach[]>) {
  const files = await find();
  try {
    return await prepareFiles(files);
  } finally {
    await Promise.all(files.filter((file) => file.temporary).map((file) => rm(file.path, { force: true })));
  }
}

/**
 * Ask about files: finds them (`find`), reads them, and streams the answer with them attached. A failure to find or
 * read them is said in the view (and in one toast), nothing being sent.
 */
export function AskWithFiles(props: { question: string; find: () => Promise<FileToAttach[]> }) {
  // Found and read once, whatever the renders.
  const [find] = useState(() => props.find);
  const {
    data: files,
    error,
    isLoading,
  } = usePromise(readFiles, [find], {
    onError: (failure) => void showFailure(failure),
  });
  if (error) {
    const failure = describeFailure(error);
    return (
      <Detail
        navigationTitle={props.question}
        markdown={`## ${failure.title}\n\n${failure.message}`}
        actions={
          failure.fix === "screen-recording" ? (
            <ActionPanel>
              <Action.Open title="Open Privacy Settings" icon={Icon.Lock} target={SCREEN_RECORDING_SETTINGS} />
            </ActionPanel>
          ) : undefined
        }
      />
    );
  }
  if (isLoading || !files) return <Detail isLoading navigationTitle={props.question} markdown="_Reading the files…_" />;
  const messages = questionMessages(props.question);
  messages[messages.length - 1] = { ...messages[messages.length - 1], attachments: files };
  return (
    <AnswerView
      navigationTitle={props.question}
      request={{
        id: newRequestId(),
        model: chooseModel("question", { preferred: getPreferenceValues<Preferences.Ask>().model }),
        messages,
        reasoningEffort: reasoningEffort(),
        history: { kind: "ask", title: props.question },
      }}
    />
  );
}
