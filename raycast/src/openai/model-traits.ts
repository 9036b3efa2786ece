/** The model's own name, without a provider's prefix (`openai/gpt-5` → `gpt-5`). */
function baseName(model: string): string {
  return model.toLowerCase().split("/").pop() ?? "";
}

/** Reasoning models (o1, o3, o4-mini, gpt-5…) think before they answer, and refuse any temperature but the default. */
export function isReasoningModel(model: string): boolean {
  return /^(o\d|gpt-5)/.test(baseName(model)) && !/^gpt-5(\.\d+)?-chat/.test(baseName(model));
}

/** Reasoning models refuse any temperature but the default. */
export function acceptsTemperature(model: string): boolean {
  return !isReasoningModel(model);
}

/** Which of OpenAI's APIs a model is asked through. */
export type AnswerApi = "responses" | "chat";

/**
 * OpenAI's models answer through the Responses API (web search, reasoning summaries, `store: false`); a model
 * served by a program on the PC (the relay's models.json) keeps Chat Completions, which those servers speak.
 * `servedByPC` is what the relay's model list says; without it, a name OpenAI does not use is taken for a PC's.
 */
export function answerApi(model: string, servedByPC?: ReadonlySet<string>): AnswerApi {
  if (servedByPC?.has(model)) return "chat";
  return /^(gpt-|o\d|chatgpt-|codex-|computer-use)/.test(baseName(model)) ? "responses" : "chat";
}

/** What a model is used for: quick text transforms, or questions and chat. */
export type ModelUse = "transform" | "question";

const PREFERRED: Record<ModelUse, string[]> = {
  transform: ["gpt-4.1-mini", "gpt-4o-mini", "gpt-4.1-nano", "gpt-5-mini"],
  question: ["gpt-4.1", "gpt-4o", "gpt-5", "gpt-4.1-mini", "gpt-5-mini", "gpt-4o-mini"],
};

/**
 * The model to use: the prompt's own, else the user's preference, else the best known model for that use
 * among those the relay offers, else the first chat model it offers.
 */
export function chooseModel(
  use: ModelUse,
  options: { promptModel?: string; preferred?: string; available?: string[] },
): string {
  const explicit = options.promptModel?.trim() || options.preferred?.trim();
  if (explicit) return explicit;
  const available = options.available ?? [];
  const known = PREFERRED[use].find((model) => available.includes(model));
  if (known) return known;
  return available.find(isChatModel) ?? PREFERRED[use][0];
}

/** Models from `/v1/models` that can answer a chat (drops embeddings, audio, image, moderation models). */
export function isChatModel(id: string): boolean {
  return !/(embed|whisper|tts|dall-e|davinci|babbage|moderation|transcribe|realtime|audio|image|search|sora)/i.test(id);
}

/** Chat models from a `/v1/models` listing, sorted with OpenAI's usual names first, then local ones. */
export function sortModels(ids: string[]): string[] {
  const chat = [...new Set(ids.filter(isChatModel))];
  const rank = (id: string) => (/^(gpt|o\d|chatgpt)/.test(id) ? 0 : 1);
  return chat.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}
