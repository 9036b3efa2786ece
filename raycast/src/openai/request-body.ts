import { randomBytes } from "node:crypto";
import type { Attachment, AttachmentInfo } from "../attachments/attachment";
import { hasData } from "../attachments/attachment";
import { AttachmentUnusableError, RequestTooLargeError } from "../failures/errors";
import { acceptsTemperature, isReasoningModel } from "./model-traits";

/** One message of a conversation; a user's may carry files. */
export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
  /** Files sent with this message (with their bytes), or as History remembers them (without). */
  attachments?: AttachmentInfo[];
}

/** How much a reasoning model thinks before it answers. */
export type ReasoningEffort = "minimal" | "low" | "medium" | "high";

/** What to ask. */
export interface CompletionRequest {
  model: string;
  messages: ChatMessage[];
  /** 0–2; left out for models that refuse it. */
  temperature?: number;
  /** Let the model search the web (Responses API only). */
  webSearch?: boolean;
  /** For reasoning models (Responses API only). */
  reasoningEffort?: ReasoningEffort;
  /**
   * Ask a reasoning model for a summary of its thinking (by default). OpenAI refuses the whole request when the
   * organization is not verified, so the summary is left out once it said so (see reasoning-summary.ts).
   */
  reasoningSummary?: boolean;
  /** The relay's `--max-body`: a larger body is refused before any of it is sent. */
  maxBodyBytes?: number;
}

/**
 * Files' bytes are not put into the body as JavaScript strings: the body is written as bytes, each file's base64
 * straight into its place, so that a 20 MB file is not copied three times into Raycast's 100 MB heap (base64 string,
 * data URL, JSON text). The body object carries a marker where each file goes.
 */
class DataSlots {
  readonly files: { prefix: string; data: Buffer }[] = [];
  private readonly nonce = randomBytes(8).toString("hex");

  /** The marker standing for `data:<mime>;base64,<bytes>` in the body. */
  dataUrl(attachment: Attachment): string {
    this.files.push({ prefix: `data:${attachment.mimeType};base64,`, data: attachment.data });
    return `psr-file-${this.nonce}-${this.files.length - 1}`;
  }

  get pattern(): RegExp {
    return new RegExp(`psr-file-${this.nonce}-(\\d+)`, "g");
  }
}

/** A request body, as the bytes to send. */
export interface EncodedBody {
  bytes: Buffer;
  /** Names of the files it carries (for the size refusal's words). */
  fileNames: string[];
}

/** Refuses, before anything is sent, a body larger than the relay accepts. */
export function checkBodySize(body: EncodedBody, maxBodyBytes: number | undefined): EncodedBody {
  if (maxBodyBytes !== undefined && body.bytes.length > maxBodyBytes) {
    const facts = { bytes: body.bytes.length, limit: maxBodyBytes, fileNames: body.fileNames };
    throw new RequestTooLargeError(`Request of ${facts.bytes} bytes, over the relay's ${maxBodyBytes}`, facts);
  }
  return body;
}

/** The bytes of `body` as JSON, each marker replaced by its file as a base64 `data:` URL. */
function encode(body: object, slots: DataSlots, fileNames: string[]): EncodedBody {
  const json = JSON.stringify(body);
  if (slots.files.length === 0) return { bytes: Buffer.from(json), fileNames };
  const pieces = json.split(slots.pattern); // text, index, text, index, …, text
  let size = 0;
  for (let i = 0; i < pieces.length; i++) {
    if (i % 2 === 0) size += Buffer.byteLength(pieces[i]);
    else {
      const file = slots.files[Number(pieces[i])];
      size += file.prefix.length + Math.ceil(file.data.length / 3) * 4;
    }
  }
  const bytes = Buffer.allocUnsafe(size);
  let offset = 0;
  for (let i = 0; i < pieces.length; i++) {
    if (i % 2 === 0) offset += bytes.write(pieces[i], offset);
    else offset = writeDataUrl(bytes, offset, slots.files[Number(pieces[i])]);
  }
  return { bytes, fileNames };
}

// A multiple of 3 bytes, so that each slice's base64 joins the next without padding.
const BASE64_SLICE = 3 * 256 * 1024;

function writeDataUrl(target: Buffer, offset: number, file: { prefix: string; data: Buffer }): number {
  offset += target.write(file.prefix, offset, "latin1");
  for (let start = 0; start < file.data.length; start += BASE64_SLICE) {
    const slice = file.data.subarray(start, start + BASE64_SLICE);
    offset += target.write(slice.toString("base64"), offset, "latin1");
  }
  return offset;
}

/** The text of the user's message with each text file written in a fenced block named after the file. */
function inlineText(attachment: Attachment): string {
  const text = attachment.data.toString("utf8");
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  return `${attachment.name}\n${fence}${attachment.language ?? ""}\n${text}${text.endsWith("\n") ? "" : "\n"}${fence}`;
}

/** The files of a message, each with its bytes; one whose bytes are gone cannot be sent again. */
function sendable(message: ChatMessage): Attachment[] {
  return (message.attachments ?? []).map((attachment) => {
    if (hasData(attachment)) return attachment;
    const facts = { fileName: attachment.name, reason: "missing" as const };
    throw new AttachmentUnusableError(`${attachment.name}: its bytes are gone`, facts);
  });
}

function chatContent(message: ChatMessage, slots: DataSlots) {
  const files = sendable(message);
  if (message.role !== "user" || files.length === 0) return message.content;
  const parts: object[] = files.map((file) => {
    if (file.kind === "image") return { type: "image_url", image_url: { url: slots.dataUrl(file) } };
    if (file.kind === "pdf") return { type: "file", file: { filename: file.name, file_data: slots.dataUrl(file) } };
    return { type: "text", text: inlineText(file) };
  });
  return [...parts, { type: "text", text: message.content }];
}

function responsesContent(message: ChatMessage, slots: DataSlots) {
  const files = sendable(message);
  if (message.role !== "user" || files.length === 0) return message.content;
  const parts: object[] = files.map((file) => {
    if (file.kind === "image") return { type: "input_image", image_url: slots.dataUrl(file), detail: "auto" };
    if (file.kind === "pdf") return { type: "input_file", filename: file.name, file_data: slots.dataUrl(file) };
    return { type: "input_text", text: inlineText(file) };
  });
  return [...parts, { type: "input_text", text: message.content }];
}

function fileNamesOf(messages: ChatMessage[]): string[] {
  return messages.flatMap((message) => (message.attachments ?? []).map((attachment) => attachment.name));
}

/** The body sent to `POST /v1/chat/completions` (servers on the PC), as bytes. */
export function encodeChatBody(request: CompletionRequest): EncodedBody {
  const slots = new DataSlots();
  const body = {
    model: request.model,
    messages: request.messages.map((message) => ({ role: message.role, content: chatContent(message, slots) })),
    stream: true,
    stream_options: { include_usage: true },
    ...(request.temperature !== undefined && acceptsTemperature(request.model) && { temperature: request.temperature }),
  };
  return encode(body, slots, fileNamesOf(request.messages));
}

/**
 * The body sent to `POST /v1/responses` (OpenAI's models), as bytes. `store: false`: OpenAI keeps nothing of the
 * conversation, which is sent whole each turn. The system message becomes the instructions.
 */
export function encodeResponsesBody(request: CompletionRequest): EncodedBody {
  const slots = new DataSlots();
  const instructions = request.messages.filter((message) => message.role === "system").map((m) => m.content);
  // OpenAI's web search refuses the effort "minimal" (400, "cannot be used with reasoning.effort 'minimal'").
  const effort = request.webSearch && request.reasoningEffort === "minimal" ? "low" : request.reasoningEffort;
  const reasoning = isReasoningModel(request.model) && {
    ...(effort && { effort }),
    ...(request.reasoningSummary !== false && { summary: "auto" }),
  };
  const body = {
    model: request.model,
    ...(instructions.length > 0 && { instructions: instructions.join("\n\n") }),
    input: request.messages
      .filter((message) => message.role !== "system")
      .map((message) => ({ role: message.role, content: responsesContent(message, slots) })),
    stream: true,
    store: false,
    ...(request.webSearch && { tools: [{ type: "web_search" }] }),
    ...(reasoning && Object.keys(reasoning).length > 0 && { reasoning }),
    ...(request.temperature !== undefined && acceptsTemperature(request.model) && { temperature: request.temperature }),
  };
  return encode(body, slots, fileNamesOf(request.messages));
}
