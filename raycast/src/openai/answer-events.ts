/** Token counts reported by the upstream, when it reports them. */
export interface TokenUsage {
  prompt: number;
  completion: number;
  /** Of `completion`, the tokens spent thinking (reasoning models). */
  reasoning?: number;
}

/** A web page the answer cites (web search), numbered in the order it was first cited. */
export interface Source {
  url: string;
  title: string;
}

/** What the views receive while an answer streams, whichever API answered. */
export type AnswerEvent =
  | { type: "text"; delta: string }
  | { type: "reasoning"; delta: string }
  /** A reasoning model thinks, but OpenAI gives this organization no summary (refused just now, or before). */
  | { type: "reasoning-hidden"; refusedNow: boolean }
  | { type: "searching"; query?: string }
  | { type: "source"; source: Source }
  | { type: "usage"; usage: TokenUsage }
  | { type: "end"; model: string; finishReason?: string };

/** Handlers for the events of one answer; a bare function receives the text alone. */
export type AnswerListener =
  | ((text: string) => void)
  | {
      text?(delta: string): void;
      reasoning?(delta: string): void;
      reasoningHidden?(refusedNow: boolean): void;
      searching?(query?: string): void;
      source?(source: Source, number: number): void;
    };

/** How a finished stream ended. */
export interface CompletionResult {
  text: string;
  model: string;
  usage?: TokenUsage;
  finishReason?: string;
  /** The reasoning summary, when the model gave one. */
  reasoning: string;
  sources: Source[];
  /** From the request to the first words of the answer (not of the reasoning). */
  firstTextMs?: number;
}
