import { getPreferenceValues } from "@raycast/api";
import { useState } from "react";
import { chatTurns } from "../helpers/chat";
import { newRequestId, type AnswerRequest } from "../openai/answer-run";
import type { ChatMessage } from "../openai/completion";
import { chooseModel } from "../openai/model-traits";
import { ASSISTANT_SYSTEM_PROMPT } from "../prompts/prompt";
import { useAnswer } from "./use-answer";

/** Where a chat starts: a new one, or one continued from an answer or from History. */
export interface ChatStart {
  initialMessages?: ChatMessage[];
  model?: string;
  /** The History entry the conversation keeps adding to. */
  conversationId?: string;
}

/**
 * A conversation: its messages, the follow-up being typed, and the answer streaming now. When an answer ends
 * (whole, stopped or failed), what arrived of it becomes part of the conversation; the whole conversation is one
 * History entry.
 */
export function useChat(start: ChatStart) {
  const [model] = useState(
    () => start.model ?? chooseModel("question", { preferred: getPreferenceValues<Preferences>().model }),
  );
  const [conversationId] = useState(() => start.conversationId ?? newRequestId());
  const [messages, setMessages] = useState<ChatMessage[]>(
    () => start.initialMessages ?? [{ role: "system", content: ASSISTANT_SYSTEM_PROMPT }],
  );
  const [request, setRequest] = useState<AnswerRequest>();
  const [draft, setDraft] = useState("");
  const answer = useAnswer(request, {
    onFinished: ({ text }, ended) => {
      if (text) setMessages([...ended.messages, { role: "assistant", content: text }]);
      setRequest(undefined);
    },
  });

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

  return { model, messages, request, answer, draft, setDraft, send };
}
