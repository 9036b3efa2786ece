import { Action, ActionPanel, getPreferenceValues, Icon, Keyboard, List } from "@raycast/api";
import { useEffect, useState } from "react";
import type { ChatMessage } from "../openai/completion";
import { chatTurns, conversationMarkdown, turnMarkdown } from "../helpers/chat";
import { formatDuration, formatUsage } from "../helpers/format";
import { chooseModel } from "../openai/model-traits";
import { ASSISTANT_SYSTEM_PROMPT } from "../prompts/prompt";
import { newRequestId, useAnswer, type AnswerRequest } from "../hooks/use-answer";
import { useRelayWarmUp } from "../hooks/use-relay-warm-up";
import { StopAnswerAction } from "./stop-answer-action";

/**
 * A conversation: type a follow-up in the search bar and press Enter. Each exchange shows beside the list;
 * the whole conversation is one History entry.
 */
export function ChatView(props: { initialMessages?: ChatMessage[]; model?: string; conversationId?: string }) {
  const [model] = useState(
    () => props.model ?? chooseModel("question", { preferred: getPreferenceValues<Preferences>().model }),
  );
  const [conversationId] = useState(() => props.conversationId ?? newRequestId());
  const [messages, setMessages] = useState<ChatMessage[]>(
    () => props.initialMessages ?? [{ role: "system", content: ASSISTANT_SYSTEM_PROMPT }],
  );
  const [request, setRequest] = useState<AnswerRequest>();
  const [draft, setDraft] = useState("");
  const answer = useAnswer(request);
  // The connection opens while the first question is typed.
  useRelayWarmUp();

  // When an answer is complete (or stopped), it becomes part of the conversation.
  useEffect(() => {
    if (!request || answer.isLoading) return;
    if (answer.text) setMessages([...request.messages, { role: "assistant", content: answer.text }]);
    setRequest(undefined);
  }, [answer.isLoading]);

  const send = () => {
    const question = draft.trim();
    if (!question || request) return;
    const next: ChatMessage[] = [...messages, { role: "user", content: question }];
    const first = chatTurns(next)[0]?.question ?? question;
    setMessages(next);
    setDraft("");
    setRequest({
      id: newRequestId(),
      model,
      messages: next,
      history: { kind: "chat", title: first, historyId: conversationId },
    });
  };

  const turns = chatTurns(messages);
  if (request && turns.length > 0) turns[turns.length - 1].answer = answer.text || "_…_";
  const newestFirst = turns.map((turn, index) => ({ turn, index })).reverse();

  const actions = (text?: string) => (
    <ActionPanel>
      <Action title="Send Message" icon={Icon.Message} onAction={send} />
      {text !== undefined && <Action.CopyToClipboard title="Copy Answer" content={text} />}
      <Action.CopyToClipboard
        title="Copy Conversation"
        content={conversationMarkdown(messages)}
        shortcut={Keyboard.Shortcut.Common.Copy}
      />
      {request && <StopAnswerAction onStop={answer.stop} />}
    </ActionPanel>
  );

  return (
    <List
      navigationTitle="Chat"
      isLoading={Boolean(request) && answer.isLoading}
      isShowingDetail={turns.length > 0}
      filtering={false}
      searchText={draft}
      onSearchTextChange={setDraft}
      searchBarPlaceholder={turns.length ? "Ask a follow-up…" : "Ask anything…"}
      actions={actions()}
    >
      {turns.length === 0 ? (
        <List.EmptyView
          icon={Icon.SpeechBubble}
          title="Start a conversation"
          description={`Type a question and press Enter. Model: ${model}`}
          actions={actions()}
        />
      ) : (
        newestFirst.map(({ turn, index }) => (
          <List.Item
            key={index}
            title={turn.question}
            icon={Icon.SpeechBubble}
            detail={
              <List.Item.Detail
                markdown={turnMarkdown(turn)}
                metadata={
                  index === turns.length - 1 && (answer.usage || request) ? (
                    <List.Item.Detail.Metadata>
                      <List.Item.Detail.Metadata.Label title="Model" text={answer.model || model} />
                      {answer.usage && (
                        <List.Item.Detail.Metadata.Label title="Tokens" text={formatUsage(answer.usage)} />
                      )}
                      {answer.durationMs !== undefined && (
                        <List.Item.Detail.Metadata.Label title="Time" text={formatDuration(answer.durationMs)} />
                      )}
                    </List.Item.Detail.Metadata>
                  ) : undefined
                }
              />
            }
            actions={actions(turn.answer)}
          />
        ))
      )}
    </List>
  );
}
