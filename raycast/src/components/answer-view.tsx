import { Action, ActionPanel, Detail, Icon, Keyboard } from "@raycast/api";
import { useState, type ReactNode } from "react";
import { answerMarkdown, formatDuration, formatUsage } from "../helpers/format";
import { useAnswer, type AnswerOptions, type AnswerState } from "../hooks/use-answer";
import { newRequestId, type AnswerRequest } from "../openai/answer-run";
import { ConnectToRelayAction } from "./connect-to-relay-action";
import { ContinueInChatAction } from "./continue-in-chat-action";
import { ModelPicker } from "./model-picker";
import { StopAnswerAction } from "./stop-answer-action";

/** What extra actions get to work with. */
export interface AnswerContext {
  answer: AnswerState & { stop: () => void };
  request: AnswerRequest;
  /** Runs the request again, optionally with another model. */
  rerun: (model?: string) => void;
}

/** What the view shows and offers besides the answer itself. */
export interface AnswerViewProps {
  request: AnswerRequest;
  navigationTitle?: string;
  /** Labels shown above the model (e.g. the prompt). */
  metadata?: { title: string; text: string }[];
  primaryActions?: (context: AnswerContext) => ReactNode;
  extraActions?: (context: AnswerContext) => ReactNode;
  /** Called once when an answer has streamed to its end (paste or copy it automatically). */
  onFinished?: (text: string) => void;
  options?: AnswerOptions;
}

/**
 * Shows one streamed answer as markdown with its model, tokens and time; Copy, Paste, Ask Again,
 * Try Another Model, Continue in Chat. `primaryActions` replace Copy/Paste at the top (transforms).
 */
export function AnswerView(props: AnswerViewProps) {
  const [request, setRequest] = useState(props.request);
  const answer = useAnswer(request, {
    ...props.options,
    onFinished: (outcome) => {
      if (outcome.status === "done" && outcome.text) props.onFinished?.(outcome.text);
    },
  });
  // A new run replaces this answer's History entry rather than adding one.
  const rerun = (model?: string) =>
    setRequest((current) => ({
      ...current,
      model: model ?? current.model,
      id: newRequestId(),
      history: { ...current.history, historyId: current.history.historyId ?? current.id },
    }));
  const context: AnswerContext = { answer, request, rerun };

  return (
    <Detail
      navigationTitle={props.navigationTitle}
      isLoading={answer.isLoading}
      markdown={answerMarkdown(answer)}
      metadata={<AnswerMetadata answer={answer} labels={props.metadata} />}
      actions={<AnswerActions context={context} primary={props.primaryActions} extra={props.extraActions} />}
    />
  );
}

/** The labels beside an answer: the caller's, then model, tokens, time and whether it was cut short. */
function AnswerMetadata(props: { answer: AnswerState; labels?: { title: string; text: string }[] }) {
  const { answer } = props;
  return (
    <Detail.Metadata>
      {props.labels?.map((item) => (
        <Detail.Metadata.Label key={item.title} title={item.title} text={item.text} />
      ))}
      <Detail.Metadata.Label title="Model" text={answer.model} />
      {answer.usage && <Detail.Metadata.Label title="Tokens" text={formatUsage(answer.usage)} />}
      {answer.durationMs !== undefined && (
        <Detail.Metadata.Label title="Time" text={formatDuration(answer.durationMs)} />
      )}
      {answer.interrupted && <Detail.Metadata.Label title="Status" text="Interrupted" />}
    </Detail.Metadata>
  );
}

/** Stop while streaming, the fix for a failure, Copy/Paste (or the caller's), then running it again. */
function AnswerActions(props: {
  context: AnswerContext;
  primary?: (context: AnswerContext) => ReactNode;
  extra?: (context: AnswerContext) => ReactNode;
}) {
  const { answer, request, rerun } = props.context;
  return (
    <ActionPanel>
      {answer.isLoading && <StopAnswerAction onStop={answer.stop} />}
      {answer.error?.fix === "connect-to-relay" && <ConnectToRelayAction />}
      {props.primary ? (
        props.primary(props.context)
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
        <ContinueInChatAction messages={request.messages} answer={answer.text} model={answer.model || request.model} />
        <Action.Push
          title="Try Another Model"
          icon={Icon.Switch}
          shortcut={{ modifiers: ["cmd"], key: "m" }}
          target={<ModelPicker current={request.model} onPick={(model) => rerun(model)} />}
        />
        {props.extra?.(props.context)}
      </ActionPanel.Section>
    </ActionPanel>
  );
}
