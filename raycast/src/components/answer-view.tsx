import { Action, ActionPanel, Detail, Icon, Keyboard } from "@raycast/api";
import { useState, type ReactNode } from "react";
import { attachedFrom, attachToLastQuestion, lastQuestionFiles } from "../attachments/attach";
import { showFailure } from "../failures/toast";
import { answerMarkdown } from "../helpers/answer-markdown";
import { useAnswer, type AnswerOptions, type AnswerState } from "../hooks/use-answer";
import { useServedByPC } from "../hooks/use-served-by-pc";
import { useThinkingClock } from "../hooks/use-thinking-clock";
import { newRequestId, type AnswerRequest } from "../openai/answer-run";
import { AnswerMetadata } from "./answer-metadata";
import { ConnectToRelayAction } from "./connect-to-relay-action";
import { ContinueInChatAction } from "./continue-in-chat-action";
import { ModelPicker } from "./model-picker";
import { StopAnswerAction } from "./stop-answer-action";
import { WebSearchAction } from "./web-search-action";

/** What extra actions get to work with. */
export interface AnswerContext {
  answer: AnswerState & { stop: () => void };
  request: AnswerRequest;
  /** Runs the request again, optionally with another model. */
  rerun: (model?: string) => void;
  /** Runs the request again with these changes (web search, files). */
  rerunWith: (changes: Partial<AnswerRequest>) => void;
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
  const rerunWith = (changes: Partial<AnswerRequest>) =>
    setRequest((current) => ({
      ...current,
      ...changes,
      id: newRequestId(),
      history: { ...current.history, historyId: current.history.historyId ?? current.id },
    }));
  const rerun = (model?: string) => rerunWith(model ? { model } : {});
  const [attaching, setAttaching] = useState(false);
  const context: AnswerContext = { answer, request, rerun, rerunWith };
  const thinkingMs = useThinkingClock(answer, request.model);

  return (
    <Detail
      navigationTitle={props.navigationTitle}
      isLoading={answer.isLoading || attaching}
      markdown={answerMarkdown({ ...answer, thinkingMs, attachments: lastQuestionFiles(request.messages) })}
      metadata={<AnswerMetadata answer={answer} labels={props.metadata} webSearch={request.webSearch} />}
      actions={
        <AnswerActions
          context={context}
          primary={props.primaryActions}
          extra={props.extraActions}
          onAttaching={setAttaching}
        />
      }
    />
  );
}

/** True when the failure is a model refusing the images it was sent: another model is the way out. */
function refusedImages(answer: AnswerState, request: AnswerRequest): boolean {
  const images = lastQuestionFiles(request.messages).some((file) => file.kind === "image");
  return images && Boolean(answer.error) && /image/i.test(`${answer.error?.message} ${answer.error?.detail}`);
}

/** Runs the question again with another model, chosen from the relay's list. */
function TryAnotherModelAction(props: { context: AnswerContext }) {
  const { request, rerun } = props.context;
  return (
    <Action.Push
      title="Try Another Model"
      icon={Icon.Switch}
      shortcut={{ modifiers: ["cmd"], key: "m" }}
      target={<ModelPicker current={request.model} onPick={(model) => rerun(model)} />}
    />
  );
}

/** Runs the question again as it is: Ask Again, or Regenerate after an answer was cut. */
function AgainAction(props: { title: string; context: AnswerContext }) {
  return (
    <Action
      title={props.title}
      icon={Icon.ArrowClockwise}
      shortcut={Keyboard.Shortcut.Common.Refresh}
      onAction={() => props.context.rerun()}
    />
  );
}

/** Attach Clipboard / Finder Selection and Ask Again: the files join the question, which is asked again with them. */
function AttachAndAskAgainActions(props: { context: AnswerContext; onAttaching: (attaching: boolean) => void }) {
  const { request, rerunWith } = props.context;
  const attach = (where: "clipboard" | "finder") => {
    props.onAttaching(true);
    attachedFrom(where)
      .then((files) => rerunWith({ messages: attachToLastQuestion(request.messages, files) }))
      .catch((error: unknown) => showFailure(error))
      .finally(() => props.onAttaching(false));
  };
  return (
    <>
      <Action
        title="Attach Clipboard and Ask Again"
        icon={Icon.Clipboard}
        shortcut={{ modifiers: ["cmd", "shift"], key: "a" }}
        onAction={() => attach("clipboard")}
      />
      <Action
        title="Attach Finder Selection and Ask Again"
        icon={Icon.Finder}
        shortcut={{ modifiers: ["cmd", "shift"], key: "f" }}
        onAction={() => attach("finder")}
      />
    </>
  );
}

/** Copy Answer and Paste Answer: what a plain answer offers first. */
function CopyPasteActions(props: { text: string }) {
  return (
    <>
      <Action.CopyToClipboard title="Copy Answer" content={props.text} />
      <Action.Paste title="Paste Answer" content={props.text} shortcut={{ modifiers: ["cmd", "shift"], key: "v" }} />
    </>
  );
}

/**
 * Stop while streaming, the fix for a failure (Try Another Model first when a model refuses images; Regenerate first
 * when an answer was cut), Copy/Paste (or the caller's), then running it again: with web search, with files, with
 * another model.
 */
function AnswerActions(props: {
  context: AnswerContext;
  primary?: (context: AnswerContext) => ReactNode;
  extra?: (context: AnswerContext) => ReactNode;
  onAttaching: (attaching: boolean) => void;
}) {
  const { context } = props;
  const { answer, request, rerunWith } = context;
  const servedByPC = useServedByPC();
  const failedMidway = Boolean(answer.error && answer.text);
  const imagesRefused = refusedImages(answer, request);
  return (
    <ActionPanel>
      {answer.isLoading && <StopAnswerAction onStop={answer.stop} />}
      {answer.error?.fix === "connect-to-relay" && <ConnectToRelayAction />}
      {imagesRefused && <TryAnotherModelAction context={context} />}
      {failedMidway && <AgainAction title="Regenerate" context={context} />}
      {props.primary ? props.primary(context) : <CopyPasteActions text={answer.text} />}
      <ActionPanel.Section>
        {!failedMidway && <AgainAction title="Ask Again" context={context} />}
        <WebSearchAction
          model={request.model}
          servedByPC={servedByPC}
          enabled={Boolean(request.webSearch)}
          onChange={(webSearch) => rerunWith({ webSearch })}
        />
        <AttachAndAskAgainActions context={context} onAttaching={props.onAttaching} />
        <ContinueInChatAction messages={request.messages} answer={answer.text} model={answer.model || request.model} />
        {!imagesRefused && <TryAnotherModelAction context={context} />}
        {props.extra?.(context)}
      </ActionPanel.Section>
    </ActionPanel>
  );
}
