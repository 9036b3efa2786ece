import { extname } from "node:path";

/** How an attachment travels: an image input, a file input (PDF), or text written into the message. */
export type AttachmentKind = "image" | "pdf" | "text";

/** Image formats OpenAI reads as they are. */
const SENT_AS_IS: Record<string, string> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".webp": "image/webp",
  ".gif": "image/gif",
};

/** Images macOS makes every day (screenshots on the clipboard, iPhone photos) that `sips` turns into one of those. */
const CONVERTED: Record<string, "png" | "jpeg"> = {
  ".tiff": "png",
  ".tif": "png",
  ".bmp": "png",
  ".heic": "jpeg",
  ".heif": "jpeg",
};

/** File names and extensions read as text, with the language named on the fence. */
const TEXT_LANGUAGES: Record<string, string> = {
  ".txt": "",
  ".md": "markdown",
  ".markdown": "markdown",
  ".csv": "csv",
  ".tsv": "tsv",
  ".json": "json",
  ".jsonl": "json",
  ".yaml": "yaml",
  ".yml": "yaml",
  ".toml": "toml",
  ".ini": "ini",
  ".xml": "xml",
  ".html": "html",
  ".htm": "html",
  ".css": "css",
  ".scss": "scss",
  ".js": "javascript",
  ".mjs": "javascript",
  ".cjs": "javascript",
  ".jsx": "jsx",
  ".ts": "typescript",
  ".mts": "typescript",
  ".tsx": "tsx",
  ".py": "python",
  ".rb": "ruby",
  ".go": "go",
  ".rs": "rust",
  ".java": "java",
  ".kt": "kotlin",
  ".swift": "swift",
  ".c": "c",
  ".h": "c",
  ".cpp": "cpp",
  ".hpp": "cpp",
  ".cs": "csharp",
  ".php": "php",
  ".sh": "sh",
  ".zsh": "sh",
  ".bash": "sh",
  ".ps1": "powershell",
  ".bat": "bat",
  ".cmd": "bat",
  ".sql": "sql",
  ".r": "r",
  ".lua": "lua",
  ".tex": "latex",
  ".log": "",
  ".srt": "",
  ".vtt": "",
};

/** What a file is to Passerelle, from its name (and, for a name it does not know, its first bytes). */
export interface FileType {
  kind: AttachmentKind;
  mimeType: string;
  /** Set when `sips` must first turn it into a format OpenAI reads. */
  convertTo?: "png" | "jpeg";
  /** The fence's language for text. */
  language?: string;
}

/** The type of a file named `name`; `head` (its first bytes) decides for a name without a known extension. */
export function fileType(name: string, head?: Uint8Array): FileType | undefined {
  const extension = extname(name).toLowerCase();
  if (SENT_AS_IS[extension]) return { kind: "image", mimeType: SENT_AS_IS[extension] };
  if (CONVERTED[extension]) {
    const convertTo = CONVERTED[extension];
    return { kind: "image", mimeType: convertTo === "png" ? "image/png" : "image/jpeg", convertTo };
  }
  if (extension === ".pdf") return { kind: "pdf", mimeType: "application/pdf" };
  if (extension in TEXT_LANGUAGES) return { kind: "text", mimeType: "text/plain", language: TEXT_LANGUAGES[extension] };
  if (head) return sniff(head);
  return undefined;
}

/** The type told by a file's first bytes: a known image or PDF signature, else text if it looks like UTF-8 text. */
export function sniff(head: Uint8Array): FileType | undefined {
  const starts = (...bytes: number[]) => bytes.every((byte, index) => head[index] === byte);
  if (starts(0x89, 0x50, 0x4e, 0x47)) return { kind: "image", mimeType: "image/png" };
  if (starts(0xff, 0xd8, 0xff)) return { kind: "image", mimeType: "image/jpeg" };
  if (starts(0x47, 0x49, 0x46, 0x38)) return { kind: "image", mimeType: "image/gif" };
  if (starts(0x52, 0x49, 0x46, 0x46) && head[8] === 0x57 && head[9] === 0x45) {
    return { kind: "image", mimeType: "image/webp" };
  }
  if (starts(0x4d, 0x4d, 0x00, 0x2a) || starts(0x49, 0x49, 0x2a, 0x00)) {
    return { kind: "image", mimeType: "image/png", convertTo: "png" };
  }
  if (starts(0x25, 0x50, 0x44, 0x46)) return { kind: "pdf", mimeType: "application/pdf" };
  return looksLikeText(head) ? { kind: "text", mimeType: "text/plain", language: "" } : undefined;
}

/** No NUL byte and valid UTF-8 (a multi-byte character cut at the end of `head` is allowed). */
function looksLikeText(head: Uint8Array): boolean {
  if (head.includes(0)) return false;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(head.subarray(0, Math.max(0, head.length - 3)));
    return true;
  } catch {
    return false;
  }
}
