import { ChatView } from "./components/chat-view";

/** Chat: a conversation with follow-up questions. */
export default function Command() {
  return <ChatView />;
}
