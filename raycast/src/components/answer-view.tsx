import { Action, ActionPanel, Detail, Icon, Keyboard } from "@raycast/api";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { answerMarkdown, formatDuration, formatUsage } from "../helpers/format";
import { newRequestId, useAnswer, type AnswerOptions, type AnswerRequest, type AnswerState } from "../hooks/use-answer";
import { ConnectToRelayAction } from "./connect-to-relay-action";
import { ContinueInChatAction } from "./continue-in-chat-action";
import { ModelPicker } from "./model-picker";
import { StopAnswerAction } from "./stop-answer-action";

/** What extra actions get to work with. */
export interface AnswerContext {
  answer: AnswerState;
  request: AnswerRequest;
  /** Runs the request again, optionally with another model. */
  rerun: (model?: string) => void;
}

/**
 * Shows one streamed answer as markdown with its model, tokens and time; Copy, Paste, Ask Again,
 * Try Another Model, Continue in Chat. `primaryActions` replace Copy/Paste at the top (transforms).
 */
export function AnswerView(props: {
  request: AnswerRequest;
  navigationTitle?: string;
  /** Labels shown above the model (e.g. the prompt). */
  metadata?: { title: string; text: string }[];
  primaryActions?: (context: AnswerContext) => ReactNode;
  extraActions?: (context: AnswerContext) => ReactNode;
  /** Called once when an answer has streamed to its end (paste or copy it automatically). */
  onFinished?: (text: string) => void;
  options?: AnswerOptions;
}) {
  const [request, setRequest] = useState(props.request);
  const answer = useAnswer(request, props.options);
  // A new run replaces this answer's History entry rather than adding one.
  const rerun = (model?: string) =>
    setRequest((current) => ({
      ...current,
      model: model ?? current.model,
      id: newRequestId(),
      history: { ...current.history, historyId: current.history.historyId ?? current.id },
    }));
  const context: AnswerContext = { answer, request, rerun };
  const finishedId = useRef<string | undefined>(undefined);
  useEffect(() => {
    const done = !answer.isLoading && !answer.error && !answer.interrupted && answer.text;
    if (!done || finishedId.current === request.id) return;
    finishedId.current = request.id;
    props.onFinished?.(answer.text);
  }, [answer.isLoading, answer.text, request.id]);

  return (
    <Detail
      navigationTitle={props.navigationTitle}
      isLoading={answer.isLoading}
      markdown={answerMarkdown(answer)}
      metadata={
        <Detail.Metadata>
          {props.metadata?.map((item) => (
            <Detail.Metadata.Label key={item.title} title={item.title} text={item.text} />
          ))}
          <Detail.Metadata.Label title="Model" text={answer.model} />
          {answer.usage && <Detail.Metadata.Label title="Tokens" text={formatUsage(answer.usage)} />}
          {answer.durationMs !== undefined && (
            <Detail.Metadata.Label title="Time" text={formatDuration(answer.durationMs)} />
          )}
          {answer.interrupted && <Detail.Metadata.Label title="Status" text="Interrupted" />}
        </Detail.Metadata>
      }
      actions={
        <ActionPanel>
          {answer.isLoading && <StopAnswerAction onStop={answer.stop} />}
          {answer.error?.fix === "connect-to-relay" && <ConnectToRelayAction />}
          {props.primaryActions ? (
            props.primaryActions(context)
          ) : (
            <>
              <Action.CopyToClipboard title="Copy Answer" content={answer.text} />
              <Action.Paste
                title="Paste Answer"
                content={answer.text}
                shortcut={{ modifiers: ["cmd", "shift"], key: "v" }}
              />
            </>
          )}
          <ActionPanel.Section>
            <Action
              title="Ask Again"
              icon={Icon.ArrowClockwise}
              shortcut={Keyboard.Shortcut.Common.Refresh}
              onAction={() => rerun()}
            />
            <ContinueInChatAction
              messages={request.messages}
              answer={answer.text}
              model={answer.model || request.model}
            />
            <Action.Push
              title="Try Another Model"
              icon={Icon.Switch}
              shortcut={{ modifiers: ["cmd"], key: "m" }}
              target={<ModelPicker current={request.model} onPick={(model) => rerun(model)} />}
            />
            {props.extraActions?.(context)}
          </ActionPanel.Section>
        </ActionPanel>
      }
    />
  );
}
