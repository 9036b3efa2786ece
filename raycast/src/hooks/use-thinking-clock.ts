import { useEffect, useState } from "react";
import { isReasoningModel } from "../openai/model-traits";
import type { AnswerState } from "./use-answer";

/**
 * While a reasoning model thinks (the answer loading, no word of it yet), the time since the request started,
 * updated each second so the view can say "Thinking… 4 s"; undefined otherwise (or with no answer streaming).
 */
export function useThinkingClock(
  answer: Pick<AnswerState, "isLoading" | "text" | "startedAt"> | undefined,
  model: string,
): number | undefined {
  const thinking = Boolean(answer?.isLoading && !answer.text && isReasoningModel(model));
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!thinking) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [thinking]);
  return thinking && answer?.startedAt !== undefined ? Math.max(0, now - answer.startedAt) : undefined;
}
