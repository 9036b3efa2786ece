import type { TokenUsage } from "../openai/completion";

/** `1,234 in · 56 out` */
export function formatUsage(usage: TokenUsage | undefined): string | undefined {
  if (!usage) return undefined;
  return `${usage.prompt.toLocaleString("en-US")} in · ${usage.completion.toLocaleString("en-US")} out`;
}

/** `850 ms`, `2.4 s`, `1 min 5 s` */
export function formatDuration(ms: number | undefined): string | undefined {
  if (ms === undefined) return undefined;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** `12 KB`, `1.2 MB` for a text's size in characters. */
export function formatSize(chars: number): string {
  if (chars < 1000) return `${chars} characters`;
  if (chars < 1_000_000) return `${Math.round(chars / 1000)}k characters`;
  return `${(chars / 1_000_000).toFixed(1)}M characters`;
}

/** `12.4 MB` (decimal megabytes, as the relay's `--max-body` counts them). */
export function formatMegabytes(bytes: number): string {
  const value = bytes / 1_000_000;
  return `${value < 10 ? value.toFixed(1).replace(/\.0$/, "") : Math.round(value)} MB`;
}
