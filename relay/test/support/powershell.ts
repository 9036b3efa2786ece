/**
 * A rule for what Windows PowerShell 5.1 (the one every Windows 10 and 11 has, and Terminal (Admin) opens)
 * makes of a line pasted at its prompt, as far as the commands the relay prints go. PowerShell cannot run
 * here, so these are its documented parsing rules, each one a way a printed command has failed:
 * - `$name` and `$(…)` are expanded inside double quotes, before a program sees them;
 * - `&&` and `||` do not exist before PowerShell 7;
 * - a program is never looked for in the current folder: `.\passerelle.exe`, not `passerelle.exe`;
 * - a quoted path alone is a string, not a command: `& 'C:\…\passerelle.exe'`;
 * - a fresh PC's execution policy refuses npx.ps1 and npm.ps1: `npx.cmd`, `npm.cmd`;
 * - a bare comma makes an array, parentheses run an expression: such arguments go in quotes.
 */

/** Programs PowerShell finds on a Windows PATH (System32, Node.js). */
const ON_PATH = new Set([
  "netsh",
  "schtasks",
  "icacls",
  "net",
  "certutil",
  "cmd",
  "powershell",
  "node",
  "npx.cmd",
  "npm.cmd",
]);

interface Token {
  text: string;
  /** How it was written: plain word, single-quoted, double-quoted, a {…} script block, or an operator. */
  kind: "word" | "single" | "double" | "block" | "operator";
}

/** Splits a line as PowerShell's tokenizer would, as far as these rules need; problems found on the way go to `problems`. */
function tokenize(line: string, problems: string[]): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let j = i + 1;
      for (; j < line.length; j++) if (line[j] === "'" && line[++j] !== "'") break;
      if (line[j - 1] !== "'" || j - 1 === i) problems.push(`unclosed single quote in: ${line}`);
      tokens.push({ text: line.slice(i, j), kind: "single" });
      i = j;
    } else if (c === '"') {
      let j = i + 1;
      while (j < line.length && line[j] !== '"') j += line[j] === "`" ? 2 : 1;
      if (j >= line.length) problems.push(`unclosed double quote in: ${line}`);
      const text = line.slice(i, j + 1);
      if (/(^|[^`])\$[\w({:?_]/.test(text))
        problems.push(`PowerShell expands the $ inside ${text} before the program sees it`);
      tokens.push({ text, kind: "double" });
      i = j + 1;
    } else if (c === "{") {
      let depth = 0;
      let j = i;
      for (; j < line.length; j++) {
        if (line[j] === "{") depth++;
        if (line[j] === "}" && --depth === 0) break;
      }
      if (depth !== 0) problems.push(`unbalanced braces in: ${line}`);
      tokens.push({ text: line.slice(i, j + 1), kind: "block" });
      i = j + 1;
    } else if (line.startsWith("&&", i) || line.startsWith("||", i)) {
      problems.push(`PowerShell 5.1 has no ${line.slice(i, i + 2)} (it came with PowerShell 7)`);
      tokens.push({ text: line.slice(i, i + 2), kind: "operator" });
      i += 2;
    } else if (c === "|" || c === ";" || c === "&") {
      tokens.push({ text: c, kind: "operator" });
      i++;
    } else {
      let j = i;
      while (j < line.length && !/[\s'"{|;]/.test(line[j]!)) j++;
      tokens.push({ text: line.slice(i, j), kind: "word" });
      i = j;
    }
  }
  return tokens;
}

/** What is wrong with the command a statement starts with, and whether that command is a program (not PowerShell's own). */
function commandProblem(tokens: Token[]): { problem?: string; program: boolean } {
  // `$name = …` runs what follows the =.
  if (tokens[0]?.text.startsWith("$") && tokens[1]?.text === "=") tokens = tokens.slice(2);
  const [first, second] = tokens;
  if (!first) return { program: false };
  if (first.text === "&") {
    const path =
      second && (second.kind === "single" || second.kind === "double") && /^['"][A-Za-z]:\\/.test(second.text);
    return { problem: path ? undefined : "& must be followed by a program's full path in quotes", program: true };
  }
  if (first.kind !== "word")
    return { problem: `${first.text} is a string, not a command: put & before it`, program: false };
  const name = first.text;
  // A cmdlet (Verb-Noun), a keyword, or a .NET call: PowerShell's own.
  if (/^[A-Z][a-z]+-[A-Z]\w+$/.test(name) || /^(if|else|exit)$/.test(name) || name.startsWith("["))
    return { program: false };
  if (/^\.\\[^\\]+\.exe$/i.test(name) || /^[A-Za-z]:\\\S+\.exe$/i.test(name)) return { program: true };
  if (/^(npx|npm)$/i.test(name)) {
    return {
      problem: `${name} runs ${name}.ps1, which a fresh PC's execution policy refuses: ${name}.cmd`,
      program: true,
    };
  }
  if (/\.exe$/i.test(name))
    return { problem: `PowerShell does not run programs from the current folder: .\\${name}`, program: true };
  if (ON_PATH.has(name.toLowerCase())) return { program: true };
  return { problem: `PowerShell knows no command ${name}`, program: false };
}

/** What PowerShell 5.1 would not run as meant in `line`; empty when it runs as printed. */
export function powerShell51Problems(line: string): string[] {
  const problems: string[] = [];
  const tokens = tokenize(line.trim(), problems);
  // Each statement (between ; and |) starts with a command.
  const statements: Token[][] = [[]];
  for (const token of tokens) {
    if (token.kind === "operator" && token.text !== "&") statements.push([]);
    else statements.at(-1)!.push(token);
  }
  for (const statement of statements) {
    const { problem, program } = commandProblem(statement);
    if (problem) problems.push(problem);
    for (const token of statement.slice(1)) {
      // A program's argument with a bare comma or parenthesis is not what the program gets.
      if (program && token.kind === "word" && /[,()]/.test(token.text)) {
        problems.push(`PowerShell reads the , or ( in ${token.text}: put it in quotes`);
      }
      // Inside a script block, double quotes expand as anywhere else.
      if (token.kind === "block") problems.push(...tokenizeProblems(token.text.slice(1, -1)));
    }
  }
  return problems;
}

/** The quoting problems of a script block's inside (its commands are PowerShell's own). */
function tokenizeProblems(text: string): string[] {
  const problems: string[] = [];
  tokenize(text, problems);
  return problems;
}
