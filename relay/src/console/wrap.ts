/** Text for a console window: lines within 100 columns, broken at word boundaries, never in a word. */

/** A default console is 120 columns wide, and many are narrower: what the relay prints stays within 100. */
export const CONSOLE_WIDTH = 100;

/**
 * Breaks one line at spaces so that no piece is wider than `width`; the pieces after the first start with
 * `indent`. A single word wider than that (a long path) keeps a line of its own rather than being cut.
 */
export function wrapLine(line: string, width = CONSOLE_WIDTH, indent = ""): string {
  if (line.length <= width) return line;
  const lead = /^ */.exec(line)![0];
  const lines: string[] = [];
  let current = lead;
  for (const word of line.slice(lead.length).split(/ +/)) {
    const start = lines.length ? indent : lead;
    if (current.length > start.length && current.length + 1 + word.length > width) {
      lines.push(current);
      current = indent + word;
    } else {
      current += (current.length > start.length ? " " : "") + word;
    }
  }
  lines.push(current);
  return lines.join("\n");
}

/**
 * Wraps the prose of `text` within {@link CONSOLE_WIDTH}. Left whole: lines that start with two spaces
 * (commands and code to copy, where a line break would change what runs: the console shows them folded
 * and copies them whole; tables already laid out) and JSON for programs (`pair --cli NAME --json`).
 */
export function wrapText(text: string, width = CONSOLE_WIDTH): string {
  return text
    .split("\n")
    .map((line) => (line.startsWith("  ") || line.startsWith("{") ? line : wrapLine(line, width)))
    .join("\n");
}
