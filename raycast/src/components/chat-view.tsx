import { Action, ActionPanel, Icon, Keyboard, List } from "@raycast/api";
import { answerMarkdown, attachmentsLine } from "../helpers/answer-markdown";
import { useServedByPC } from "../hooks/use-served-by-pc";
import { WebSearchAction } from "./web-search-action";
import { chatTurns, conversationMarkdown, turnMarkdown, type ChatTurn } from "../helpers/chat";
import { formatDuration, formatUsage } from "../helpers/format";
import type { AnswerState } from "../hooks/use-answer";
import { useChat, type ChatStart } from "../hooks/use-chat";
import { useRelayWarmUp } from "../hooks/use-relay-warm-up";
import { useThinkingClock } from "../hooks/use-thinking-clock";
import { StopAnswerAction } from "./stop-answer-action";

/**
 * A conversation: type a follow-up in the search bar and press Enter. Each exchange shows beside the list;
 * the whole conversation is one History entry.
 */
export function ChatView(props: ChatStart) {
  const chat = useChat(props);
  // The connection opens while the first question is typed.
  useRelayWarmUp();
  const { request, answer } = chat;
  const turns = chatTurns(chat.messages);
  if (request && turns.length > 0) turns[turns.length - 1].answer = answer.text;
  const actions = (text?: string) => <ChatActions chat={chat} answerText={text} />;
  const pending = chat.files.pending;
  const attached = pending.length ? ` ${attachmentsLine(pending)}` : "";

  return (
    <List
      navigationTitle="Chat"
      isLoading={Boolean(request) && answer.isLoading}
      isShowingDetail={turns.length > 0}
      filtering={false}
      searchText={chat.draft}
      onSearchTextChange={chat.setDraft}
      searchBarPlaceholder={
        pending.length
          ? `Ask about ${pending.map((file) => file.name).join(", ")}…`
          : turns.length
            ? "Ask a follow-up…"
            : "Ask anything…"
      }
      actions={actions()}
    >
      {turns.length === 0 ? (
        <List.EmptyView
          icon={Icon.SpeechBubble}
          title="Start a conversation"
          description={`Type a question and press Enter. Model: ${chat.model}${chat.webSearch ? " · Web search on" : ""}${attached}`}
          actions={actions()}
        />
      ) : (
        turns
          .map((turn, index) => (
            <List.Item
              key={index}
              title={turn.question}
              icon={Icon.SpeechBubble}
              detail={<TurnDetail turn={turn} answer={index === turns.length - 1 ? answer : undefined} chat={chat} />}
              actions={actions(turn.answer)}
            />
          ))
          .reverse()
      )}
    </List>
  );
}

/**
 * One exchange; the newest also shows the model, tokens and time of its answer, and while it streams what Ask
 * shows: the reasoning summary, "Thinking… 4 s", the web search, then the words as they come.
 */
function TurnDetail(props: { turn: ChatTurn; answer?: AnswerState; chat: ReturnType<typeof useChat> }) {
  const { answer, chat } = props;
  const shown = answer && (answer.usage || chat.request);
  const streaming = answer && chat.request ? answer : undefined;
  const thinkingMs = useThinkingClock(streaming, chat.model);
  const answerShown = streaming && answerMarkdown({ ...streaming, isLoading: true, interrupted: false, thinkingMs });
  return (
    <List.Item.Detail
      markdown={turnMarkdown(props.turn, answerShown)}
      metadata={
        shown ? (
          <List.Item.Detail.Metadata>
            <List.Item.Detail.Metadata.Label title="Model" text={answer.model || chat.model} />
            {answer.usage && <List.Item.Detail.Metadata.Label title="Tokens" text={formatUsage(answer.usage)} />}
            {answer.durationMs !== undefined && (
              <List.Item.Detail.Metadata.Label title="Time" text={formatDuration(answer.durationMs)} />
            )}
          </List.Item.Detail.Metadata>
        ) : undefined
      }
    />
  );
}

/**
 * Send, Copy Answer (on an exchange), Copy Conversation, Stop while an answer streams; files for the next message,
 * and web search.
 */
function ChatActions(props: { chat: ReturnType<typeof useChat>; answerText?: string }) {
  const { chat } = props;
  const servedByPC = useServedByPC();
  return (
    <ActionPanel>
      <Action title="Send Message" icon={Icon.Message} onAction={chat.send} />
      {props.answerText !== undefined && <Action.CopyToClipboard title="Copy Answer" content={props.answerText} />}
      <Action.CopyToClipboard
        title="Copy Conversation"
        content={conversationMarkdown(chat.messages)}
        shortcut={Keyboard.Shortcut.Common.Copy}
      />
      {chat.request && <StopAnswerAction onStop={chat.answer.stop} />}
      <ActionPanel.Section>
        <Action
          title="Attach Clipboard"
          icon={Icon.Clipboard}
          shortcut={{ modifiers: ["cmd", "shift"], key: "a" }}
          onAction={() => void chat.files.attach("clipboard")}
        />
        <Action
          title="Attach Finder Selection"
          icon={Icon.Finder}
          shortcut={{ modifiers: ["cmd", "shift"], key: "f" }}
          onAction={() => void chat.files.attach("finder")}
        />
        {chat.files.pending.length > 0 && (
          <Action title="Remove Attachments" icon={Icon.XMarkCircle} onAction={chat.files.clear} />
        )}
        <WebSearchAction
          model={chat.model}
          servedByPC={servedByPC}
          enabled={chat.webSearch}
          onChange={chat.setWebSearch}
        />
      </ActionPanel.Section>
    </ActionPanel>
  );
}
