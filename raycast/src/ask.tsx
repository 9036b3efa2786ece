import { getPreferenceValues, type LaunchProps } from "@raycast/api";
import { useState } from "react";
import { AnswerView } from "./components/answer-view";
import { chooseModel } from "./openai/model-traits";
import { questionMessages } from "./prompts/prompt";
import { newRequestId, type AnswerRequest } from "./openai/answer-run";

/** Ask: one question, the answer streamed as markdown. */
export default function Command(props: LaunchProps<{ arguments: Arguments.Ask }>) {
  const question = props.arguments.question.trim();
  const [request] = useState<AnswerRequest>(() => ({
    id: newRequestId(),
    model: chooseModel("question", { preferred: getPreferenceValues<Preferences.Ask>().model }),
    messages: questionMessages(question),
    history: { kind: "ask", title: question },
  }));
  return <AnswerView request={request} navigationTitle={question} />;
}
