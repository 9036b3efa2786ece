import { Action, Clipboard, closeMainWindow, getPreferenceValues, Icon, showHUD, useNavigation } from "@raycast/api";
import { useState } from "react";
import { chooseModel } from "../openai/model-traits";
import { promptMessages, type Prompt } from "../prompts/prompt";
import type { AnswerOptions } from "../hooks/use-answer";
import { newRequestId, type AnswerRequest } from "../openai/answer-run";
import { AnswerView, type AnswerContext } from "./answer-view";
import { reasoningEffort } from "../openai/effort";
import { DiffView } from "./diff-view";

/** Where the text being transformed came from. */
export interface TransformInput {
  text: string;
  source: "selection" | "clipboard" | "none";
  /** The clipboard, for templates using `{clipboard}`. */
  clipboard?: string;
}

/** The request for running `prompt` on `input`. */
export function transformRequest(prompt: Prompt, input: TransformInput, argument?: string): AnswerRequest {
  return {
    id: newRequestId(),
    model: chooseModel("transform", {
      promptModel: prompt.model,
      preferred: getPreferenceValues<Preferences>().transformModel,
    }),
    temperature: prompt.creativity,
    webSearch: prompt.webSearch,
    reasoningEffort: reasoningEffort(prompt.reasoningEffort),
    messages: promptMessages(prompt, { selection: input.text, clipboard: input.clipboard, argument }),
    history: { kind: "transform", title: prompt.title },
  };
}

/** The prompt's own "copy" or "paste", done by itself once the result is whole (Run Prompt, Quicklinks). */
async function applyResult(prompt: Prompt, text: string): Promise<void> {
  if (prompt.resultAction === "copy") {
    await Clipboard.copy(text);
    await showHUD(`Copied: ${prompt.title}`);
  } else if (prompt.resultAction === "paste") {
    await closeMainWindow();
    await Clipboard.paste(text);
  }
}

const INPUT_LABEL: Record<TransformInput["source"], string> = {
  selection: "Selected text",
  clipboard: "Clipboard",
  none: "None",
};

/** Paste first when the text came from a selection (it replaces it), else Copy first. */
function resultActions(input: TransformInput, text: string) {
  const fromSelection = input.source === "selection";
  const paste = (
    <Action.Paste
      key="paste"
      title={fromSelection ? "Paste Result" : "Paste Result in Active App"}
      content={text}
      shortcut={fromSelection ? undefined : { modifiers: ["cmd", "shift"], key: "v" }}
    />
  );
  const copy = <Action.CopyToClipboard key="copy" title="Copy Result" content={text} />;
  return fromSelection ? [paste, copy] : [copy, paste];
}

/**
 * A prompt's result, streaming: Paste Result (replacing the selection it came from), Copy Result, Show Changes,
 * Try Another Prompt; with `applyResult`, the prompt's own "copy" or "paste" happens by itself at the end.
 */
export function TransformResult(props: {
  prompt: Prompt;
  input: TransformInput;
  argument?: string;
  applyResult?: boolean;
  /** Shown when there is a list of prompts to go back to. */
  canTryAnotherPrompt?: boolean;
  options?: AnswerOptions;
}) {
  const { prompt, input } = props;
  const [request] = useState(() => transformRequest(prompt, input, props.argument));
  const { pop } = useNavigation();
  const extraActions = ({ answer }: AnswerContext) => (
    <>
      {input.text && (
        <Action.Push
          title="Show Changes"
          icon={Icon.BlankDocument}
          shortcut={{ modifiers: ["cmd"], key: "d" }}
          target={<DiffView before={input.text} after={answer.text} />}
        />
      )}
      {props.canTryAnotherPrompt && (
        <Action
          title="Try Another Prompt"
          icon={Icon.List}
          shortcut={{ modifiers: ["cmd", "shift"], key: "p" }}
          onAction={pop}
        />
      )}
    </>
  );

  return (
    <AnswerView
      request={request}
      navigationTitle={prompt.title}
      metadata={[
        { title: "Prompt", text: prompt.title },
        { title: "Input", text: INPUT_LABEL[input.source] },
      ]}
      onFinished={props.applyResult ? (text) => void applyResult(prompt, text) : undefined}
      options={props.options}
      primaryActions={({ answer }) => resultActions(input, answer.text)}
      extraActions={extraActions}
    />
  );
}
