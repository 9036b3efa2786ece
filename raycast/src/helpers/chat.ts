import type { ChatMessage } from "../openai/completion";
import { attachmentsLine } from "./answer-markdown";

/** One exchange of a chat: the question and its answer (empty while it streams). */
export interface ChatTurn {
  question: string;
  answer: string;
  /** Files sent with the question. */
  attachments?: { name: string; kind: string }[];
}

/** The exchanges of a conversation, in order (system messages left out). */
export function chatTurns(messages: ChatMessage[]): ChatTurn[] {
  const turns: ChatTurn[] = [];
  for (const message of messages) {
    if (message.role === "user") {
      turns.push({
        question: message.content,
        answer: "",
        ...(message.attachments && { attachments: message.attachments }),
      });
    } else if (message.role === "assistant" && turns.length > 0) turns[turns.length - 1].answer = message.content;
  }
  return turns;
}

/** Markdown for one exchange; `answer` in place of its text (the answer streaming, as the view shows it). */
export function turnMarkdown(turn: ChatTurn, answer = turn.answer): string {
  const quoted = turn.question
    .split("\n")
    .map((line) => `> ${line}`)
    .join("\n");
  const files = turn.attachments?.length ? `${attachmentsLine(turn.attachments)}\n\n` : "";
  return `${files}${quoted}\n\n${answer}`;
}

/** The full conversation as markdown (Copy Conversation). */
export function conversationMarkdown(messages: ChatMessage[]): string {
  return chatTurns(messages)
    .map((turn) => turnMarkdown(turn))
    .join("\n\n---\n\n");
}
