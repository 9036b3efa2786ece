import { Action, Clipboard, closeMainWindow, getPreferenceValues, Icon, showHUD, useNavigation } from "@raycast/api";
import { useState } from "react";
import { chooseModel } from "../openai/model-traits";
import { promptMessages, type Prompt } from "../prompts/prompt";
import { newRequestId, type AnswerOptions, type AnswerRequest } from "../hooks/use-answer";
import { AnswerView } from "./answer-view";
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
    messages: promptMessages(prompt, { selection: input.text, clipboard: input.clipboard, argument }),
    history: { kind: "transform", title: prompt.title },
  };
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

  const onFinished = async (text: string) => {
    if (!props.applyResult || prompt.resultAction === "show") return;
    if (prompt.resultAction === "copy") {
      await Clipboard.copy(text);
      await showHUD(`Copied: ${prompt.title}`);
    } else {
      await closeMainWindow();
      await Clipboard.paste(text);
    }
  };

  const paste = (text: string) => (
    <Action.Paste
      key="paste"
      title={input.source === "selection" ? "Paste Result" : "Paste Result in Active App"}
      content={text}
      shortcut={input.source === "selection" ? undefined : { modifiers: ["cmd", "shift"], key: "v" }}
    />
  );
  const copy = (text: string) => <Action.CopyToClipboard key="copy" title="Copy Result" content={text} />;

  return (
    <AnswerView
      request={request}
      navigationTitle={prompt.title}
      metadata={[
        { title: "Prompt", text: prompt.title },
        {
          title: "Input",
          text: input.source === "selection" ? "Selected text" : input.source === "clipboard" ? "Clipboard" : "None",
        },
      ]}
      onFinished={onFinished}
      options={props.options}
      primaryActions={({ answer }) =>
        input.source === "selection" ? [paste(answer.text), copy(answer.text)] : [copy(answer.text), paste(answer.text)]
      }
      extraActions={({ answer }) => (
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
      )}
    />
  );
}
