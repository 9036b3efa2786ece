import type { Source } from "../openai/completion";

/** What the answer's markdown is made of. */
export interface AnswerDisplay {
  text: string;
  isLoading: boolean;
  interrupted: boolean;
  error?: { title: string; message: string };
  /** The reasoning summary, shown above the answer in a quieter style. */
  reasoning?: string;
  sources?: Source[];
  searching?: { query?: string };
  /** How long the model has been thinking, while no word of the answer has come (reasoning models). */
  thinkingMs?: number;
  /** OpenAI shows no summary of the thinking: the organization is not verified. */
  reasoningHidden?: boolean;
  /** Files sent with the question, by name and kind. */
  attachments?: { name: string; kind: string; available?: boolean }[];
}

const KIND_NAMES: Record<string, string> = { image: "Image", pdf: "PDF", text: "Text" };

/** `📎 photo.png (Image) · report.pdf (PDF)` */
export function attachmentsLine(attachments: NonNullable<AnswerDisplay["attachments"]>): string {
  const named = attachments.map((file) => {
    const gone = file.available === false ? ", no longer available" : "";
    return `\`${file.name}\` (${KIND_NAMES[file.kind] ?? file.kind}${gone})`;
  });
  return `📎 ${named.join(" · ")}`;
}

/** The reasoning summary as a quote: quieter than the answer. */
function quiet(reasoning: string): string {
  return reasoning
    .trim()
    .split("\n")
    .map((line) => (line ? `> _${line}_` : ">"))
    .join("\n");
}

/** Numbered links to the pages the answer cites. */
export function sourcesMarkdown(sources: Source[]): string {
  return `**Sources**\n\n${sources.map((source, index) => `${index + 1}. [${source.title}](${source.url})`).join("\n")}`;
}

/** Why a reasoning model's thinking shows no summary, and how to get one. */
export const HIDDEN_REASONING =
  "_OpenAI shows a summary of the thinking only to verified organizations: verify yours at platform.openai.com → " +
  "Settings → Organization → General → Verify Organization._";

/** What the view says while nothing of the answer has come yet. */
function waiting(state: AnswerDisplay): string {
  if (state.searching)
    return state.searching.query ? `_Searching the web for “${state.searching.query}”…_` : "_Searching the web…_";
  if (state.thinkingMs !== undefined) {
    const thinking = `_Thinking… ${Math.floor(state.thinkingMs / 1000)} s_`;
    return state.reasoningHidden ? `${thinking}\n\n${HIDDEN_REASONING}` : thinking;
  }
  return "_Waiting for the first words…_";
}

/** The markdown shown for an answer: its files, its reasoning, the text and its sources, or where things stand. */
export function answerMarkdown(state: AnswerDisplay): string {
  const parts: string[] = [];
  if (state.attachments?.length) parts.push(attachmentsLine(state.attachments));
  if (state.reasoning?.trim()) parts.push(quiet(state.reasoning));
  if (!state.text) {
    if (state.error) parts.push(`## ${state.error.title}\n\n${state.error.message}`);
    else if (state.isLoading) parts.push(waiting(state));
    else if (state.interrupted) parts.push("_Stopped before any answer arrived._");
    return parts.join("\n\n");
  }
  parts.push(state.text);
  if (state.sources?.length) parts.push(sourcesMarkdown(state.sources));
  // A failure keeps its reason beside what arrived (relay stopped, upstream cut, timeout): only Stop is a stop.
  if (state.error) parts.push(`---\n**${state.error.title}.** ${state.error.message}`);
  else if (state.interrupted) parts.push("---\n_Stopped before the end._");
  return parts.join("\n\n");
}
