import { useCallback, useEffect, useState } from "react";
import { loadPrompts, savePrompts } from "../api/prompt-store";
import type { Prompt } from "../helpers/prompts";

/** The user's prompts, and a way to save a changed list. */
export function usePrompts() {
  const [prompts, setPrompts] = useState<Prompt[]>([]);
  const [isLoading, setIsLoading] = useState(true);

  useEffect(() => {
    let live = true;
    loadPrompts().then((loaded) => {
      if (!live) return;
      setPrompts(loaded);
      setIsLoading(false);
    });
    return () => {
      live = false;
    };
  }, []);

  const save = useCallback(async (next: Prompt[]) => {
    setPrompts(next);
    await savePrompts(next);
  }, []);

  return { prompts, isLoading, save };
}
