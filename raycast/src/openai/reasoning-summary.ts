import { LocalStorage } from "@raycast/api";

/**
 * OpenAI gives reasoning summaries only to organizations it has verified, and refuses a whole request that asks
 * one of another (400, `param: "reasoning.summary"`; responses.ts then asks again without): otherwise every
 * question to a reasoning model would fail for such a key. The refusal is remembered for an hour, so that each
 * question does not pay for it again, and a newly verified organization sees summaries soon after.
 */
const REFUSED_AT_KEY = "reasoning-summary-refused-at";
const ASK_AGAIN_AFTER_MS = 60 * 60 * 1000;

/** Whether to ask for a summary: not within an hour of OpenAI refusing one. */
export async function reasoningSummaryWanted(now = Date.now()): Promise<boolean> {
  const refusedAt = Number(await LocalStorage.getItem<string>(REFUSED_AT_KEY));
  return !(refusedAt > 0 && now - refusedAt < ASK_AGAIN_AFTER_MS);
}

/** Remembers that OpenAI refused a summary just now. */
export async function rememberSummaryRefused(now = Date.now()): Promise<void> {
  await LocalStorage.setItem(REFUSED_AT_KEY, String(now));
}
