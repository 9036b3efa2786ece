import { getPreferenceValues } from "@raycast/api";
import { useState } from "react";
import type { Attachment } from "../attachments/attachment";
import { attachedFrom } from "../attachments/attach";
import { showFailure } from "../failures/toast";
import { sourcesMarkdown } from "../helpers/answer-markdown";
import { chatTurns } from "../helpers/chat";
import { reasoningEffort } from "../openai/effort";
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
  // Files for the next message, and whether answers may search the web.
  const [pending, setPending] = useState<Attachment[]>([]);
  const [webSearch, setWebSearch] = useState(false);
  const answer = useAnswer(request, {
    onFinished: (outcome, ended) => {
      // The sources stay with the answer they belong to (and the model sees them in the next turn).
      const cited =
        outcome.status === "done" && outcome.sources.length ? `\n\n${sourcesMarkdown(outcome.sources)}` : "";
      if (outcome.text) setMessages([...ended.messages, { role: "assistant", content: outcome.text + cited }]);
      setRequest(undefined);
    },
  });

  const send = () => {
    const question = draft.trim();
    if (!question || request) return;
    const asked: ChatMessage = { role: "user", content: question, ...(pending.length && { attachments: pending }) };
    const next: ChatMessage[] = [...messages, asked];
    const first = chatTurns(next)[0]?.question ?? question;
    setMessages(next);
    setDraft("");
    setPending([]);
    setRequest({
      id: newRequestId(),
      model,
      messages: next,
      webSearch,
      reasoningEffort: reasoningEffort(),
      history: { kind: "chat", title: first, historyId: conversationId },
    });
  };

  /** Reads the files found there and keeps them for the next message; says what went wrong otherwise. */
  const attach = async (where: "clipboard" | "finder") => {
    try {
      const files = await attachedFrom(where);
      setPending((current) => [...current, ...files]);
    } catch (error) {
      await showFailure(error);
    }
  };

  const files = { pending, attach, clear: () => setPending([]) };
  return { model, messages, request, answer, draft, setDraft, send, files, webSearch, setWebSearch };
}
