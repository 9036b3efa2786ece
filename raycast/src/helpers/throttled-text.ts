/** Collects streamed pieces and hands the whole text on at most once per interval. */
export interface ThrottledText {
  append(piece: string): void;
  /** Hands on what is pending now (at the end of a stream). */
  flush(): void;
  /** Everything received so far, flushed or not. */
  readonly text: string;
  /** Stops the timer without handing on. */
  cancel(): void;
}

/**
 * A long answer arrives as tens of thousands of pieces: rendering each would re-render the view (and copy the
 * markdown into Raycast) that many times. This batches them so `onFlush` runs at most every `intervalMs`.
 */
export function createThrottledText(onFlush: (text: string) => void, intervalMs = 100): ThrottledText {
  let text = "";
  let pending: string[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    text += pending.join("");
    pending = [];
    onFlush(text);
  };

  return {
    append(piece) {
      if (!piece) return;
      pending.push(piece);
      timer ??= setTimeout(flush, intervalMs);
    },
    flush,
    get text() {
      return pending.length ? text + pending.join("") : text;
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
