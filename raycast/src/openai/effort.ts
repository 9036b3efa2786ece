import { getPreferenceValues } from "@raycast/api";
import type { ReasoningEffort } from "./completion";

const EFFORTS: readonly ReasoningEffort[] = ["minimal", "low", "medium", "high"];

/** The reasoning effort: the prompt's own when it sets one, else the preference (medium by default). */
export function reasoningEffort(promptEffort?: string): ReasoningEffort {
  const preferred = getPreferenceValues<{ reasoningEffort?: string }>().reasoningEffort;
  const chosen = [promptEffort, preferred].find((value) => EFFORTS.includes(value as ReasoningEffort));
  return (chosen as ReasoningEffort | undefined) ?? "medium";
}
