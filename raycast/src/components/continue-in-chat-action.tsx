import { Action, Icon } from "@raycast/api";
import type { ChatMessage } from "../openai/completion";
import { ChatView } from "./chat-view";

/** "Continue in Chat" (⌘J): a chat that starts with these messages and the answer to them. */
export function ContinueInChatAction(props: {
  messages: ChatMessage[];
  answer: string;
  model: string;
  /** The History entry to keep adding to, when the answer already belongs to a chat. */
  conversationId?: string;
}) {
  return (
    <Action.Push
      title="Continue in Chat"
      icon={Icon.SpeechBubble}
      shortcut={{ modifiers: ["cmd"], key: "j" }}
      target={
        <ChatView
          initialMessages={[...props.messages, { role: "assistant", content: props.answer }]}
          model={props.model}
          conversationId={props.conversationId}
        />
      }
    />
  );
}
