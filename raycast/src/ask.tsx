import { getPreferenceValues, type LaunchProps } from "@raycast/api";
import { useState } from "react";
import type { FileToAttach } from "./attachments/attach";
import { AnswerView } from "./components/answer-view";
import { AskWithFiles } from "./components/ask-with-files";
import { ScreenRecordingDeniedError } from "./failures/errors";
import { chooseModel } from "./openai/model-traits";
import { reasoningEffort } from "./openai/effort";
import { questionMessages } from "./prompts/prompt";
import { newRequestId, type AnswerRequest } from "./openai/answer-run";

/** What another command hands Ask: files to attach (Ask About Screen's capture), or why it has none. */
export interface AskLaunchContext {
  attachments?: FileToAttach[];
  screenRecordingDenied?: boolean;
}

/** Ask: one question, the answer streamed as markdown; with files when another command hands them over. */
export default function Command(props: LaunchProps<{ arguments: Arguments.Ask; launchContext?: AskLaunchContext }>) {
  const question = props.arguments.question.trim();
  const context = props.launchContext;
  const [request] = useState<AnswerRequest>(() => ({
    id: newRequestId(),
    model: chooseModel("question", { preferred: getPreferenceValues<Preferences.Ask>().model }),
    messages: questionMessages(question),
    reasoningEffort: reasoningEffort(),
    history: { kind: "ask", title: question },
  }));
  if (context?.screenRecordingDenied) {
    return (
      <AskWithFiles
        question={question}
        find={() => Promise.reject(new ScreenRecordingDeniedError("Ask About Screen could not capture the screen"))}
      />
    );
  }
  if (context?.attachments?.length) {
    const files = context.attachments;
    return <AskWithFiles question={question} find={() => Promise.resolve(files)} />;
  }
  return <AnswerView request={request} navigationTitle={question} />;
}
