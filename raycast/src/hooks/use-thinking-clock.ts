import { useEffect, useState } from "react";

/**
 * While a reasoning model thinks (loading, no word of the answer yet), the time since `startedAt`, updated each
 * second so the view can say "Thinking… 4 s"; undefined otherwise.
 */
export function useThinkingClock(thinking: boolean, startedAt: number | undefined): number | undefined {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!thinking) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [thinking]);
  return thinking && startedAt !== undefined ? Math.max(0, now - startedAt) : undefined;
}
