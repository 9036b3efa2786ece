import { Clipboard, getSelectedText } from "@raycast/api";
import { useCallback, useEffect, useState } from "react";
import { explainSelection, type SelectionProblem } from "../helpers/selection";
import type { TransformInput } from "../components/transform-result";

/** Reads the text to transform: the selection (with a clear problem when there is none) or the clipboard. */
export function useTransformInput(source: "selection" | "clipboard" | "none") {
  const [input, setInput] = useState<TransformInput>();
  const [problem, setProblem] = useState<SelectionProblem | "empty-clipboard">();
  const [isLoading, setIsLoading] = useState(true);

  const switchToClipboard = useCallback(async () => {
    setIsLoading(true);
    const text = (await Clipboard.readText()) ?? "";
    if (text.trim()) {
      setInput({ text, source: "clipboard", clipboard: text });
      setProblem(undefined);
    } else {
      setProblem("empty-clipboard");
    }
    setIsLoading(false);
  }, []);

  useEffect(() => {
    if (source === "clipboard") {
      void switchToClipboard();
      return;
    }
    if (source === "none") {
      void Clipboard.readText().then((clipboard) => {
        setInput({ text: "", source: "none", clipboard });
        setIsLoading(false);
      });
      return;
    }
    (async () => {
      let result: unknown;
      try {
        result = await getSelectedText();
      } catch (error) {
        result = error;
      }
      const found = explainSelection(result);
      if (found) setProblem(found);
      else setInput({ text: result as string, source: "selection", clipboard: await Clipboard.readText() });
      setIsLoading(false);
    })();
  }, [source]);

  return { input, problem, isLoading, switchToClipboard };
}
