/** One run of a word diff. */
export interface DiffPart {
  kind: "same" | "added" | "removed";
  text: string;
}

/** Above this many token pairs the comparison would be slow: compare as one replaced block instead. */
const MAX_CELLS = 4_000_000;

function tokens(text: string): string[] {
  return text.match(/\s+|[^\s]+/g) ?? [];
}

/** A word-level diff of `before` → `after` (longest common subsequence over words and spaces). */
export function diffWords(before: string, after: string): DiffPart[] {
  const a = tokens(before);
  const b = tokens(after);
  if (a.length * b.length > MAX_CELLS) {
    return [
      { kind: "removed", text: before },
      { kind: "added", text: after },
    ].filter((part) => part.text) as DiffPart[];
  }
  // lengths[i][j] = LCS length of a[i..] and b[j..]
  const width = b.length + 1;
  const lengths = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lengths[i * width + j] =
        a[i] === b[j]
          ? lengths[(i + 1) * width + j + 1] + 1
          : Math.max(lengths[(i + 1) * width + j], lengths[i * width + j + 1]);
    }
  }
  const parts: DiffPart[] = [];
  const push = (kind: DiffPart["kind"], text: string) => {
    const last = parts[parts.length - 1];
    if (last?.kind === kind) last.text += text;
    else parts.push({ kind, text });
  };
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      push("same", a[i]);
      i++;
      j++;
    } else if (lengths[(i + 1) * width + j] >= lengths[i * width + j + 1]) {
      push("removed", a[i++]);
    } else {
      push("added", b[j++]);
    }
  }
  while (i < a.length) push("removed", a[i++]);
  while (j < b.length) push("added", b[j++]);
  return parts;
}

/** Markdown for a diff: removed words struck through, added words in bold. */
export function diffMarkdown(parts: DiffPart[]): string {
  return parts
    .map((part) => {
      if (part.kind === "same" || !part.text.trim()) return part.text;
      const lead = part.text.match(/^\s*/)?.[0] ?? "";
      const trail = part.text.match(/\s*$/)?.[0] ?? "";
      const core = part.text.trim();
      return part.kind === "added" ? `${lead}**${core}**${trail}` : `${lead}~~${core}~~${trail}`;
    })
    .join("");
}

/** How many words were added and removed. */
export function diffStats(parts: DiffPart[]): { added: number; removed: number } {
  const count = (kind: DiffPart["kind"]) =>
    parts.filter((part) => part.kind === kind).reduce((sum, part) => sum + (part.text.match(/\S+/g)?.length ?? 0), 0);
  return { added: count("added"), removed: count("removed") };
}
