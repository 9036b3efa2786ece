import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, open, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { imageSizeFromFile } from "image-size/fromFile";
import { AttachmentTooLargeError, AttachmentUnusableError } from "../failures/errors";
import type { Attachment } from "./attachment";
import { imageTools, MAX_IMAGE_SIDE, type ImageTools } from "./image-tools";
import { fileType, type FileType } from "./kinds";

/** OpenAI's limit for one image, applied to every file: larger ones are refused on the Mac. */
export const MAX_FILE_BYTES = 20_000_000;

/** An image this large is not even handed to sips to scale down. */
const MAX_IMAGE_SOURCE_BYTES = 200_000_000;

export interface PrepareOptions {
  tools?: ImageTools;
  /** Display name, when the file's own is meaningless (a clipboard's temporary file). */
  name?: string;
  /** Kept as the attachment's `path` (false for a screenshot removed after the answer). */
  keepPath?: boolean;
}

function tooLarge(fileName: string, bytes: number) {
  const facts = { fileName, bytes, limit: MAX_FILE_BYTES };
  return new AttachmentTooLargeError(`${fileName}: ${bytes} bytes, over ${MAX_FILE_BYTES}`, facts);
}

/**
 * Reads a file to send: its kind from its name or first bytes; an image converted to PNG or JPEG when OpenAI cannot
 * read it as it is, and scaled down to {@link MAX_IMAGE_SIDE} px on its long side; then checked against
 * {@link MAX_FILE_BYTES}. A file refused is never read whole.
 */
export async function prepareAttachment(path: string, options: PrepareOptions = {}): Promise<Attachment> {
  const name = options.name ?? basename(path);
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new AttachmentUnusableError(`${name}: not found`, { fileName: name, reason: "missing" });
  if (info.isDirectory()) throw new AttachmentUnusableError(`${name}: a folder`, { fileName: name, reason: "folder" });
  const type = fileType(name, await readHead(path));
  if (!type) throw new AttachmentUnusableError(`${name}: unknown kind`, { fileName: name, reason: "unsupported" });
  const sourceLimit = type.kind === "image" ? MAX_IMAGE_SOURCE_BYTES : MAX_FILE_BYTES;
  if (info.size > sourceLimit) throw tooLarge(name, info.size);

  const base = { name, kind: type.kind, mimeType: type.mimeType, ...(options.keepPath !== false && { path }) };
  if (type.kind !== "image") {
    const data = await readFile(path);
    return { ...base, data, bytes: data.length, sha256: sha256(data), language: type.language };
  }
  const tools = options.tools ?? imageTools();
  const work = await mkdtemp(join(tmpdir(), "passerelle-attachment-"));
  try {
    const image = await sendableImage(path, type, tools, work);
    if (image.data.length > MAX_FILE_BYTES) throw tooLarge(name, image.data.length);
    const sha = image.file === path ? sha256(image.data) : await sha256OfFile(path);
    const thumbnail = await makeThumbnail(image.file, tools, work);
    return {
      ...base,
      ...image.size,
      mimeType: image.mimeType,
      data: image.data,
      bytes: image.data.length,
      sha256: sha,
      thumbnail,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The image as it will be sent: the file itself, or a converted or scaled-down copy made in `work`. */
async function sendableImage(path: string, type: FileType, tools: ImageTools, work: string) {
  const original = await imageSizeFromFile(path).catch(() => undefined);
  const longest = Math.max(original?.width ?? 0, original?.height ?? 0);
  const tooLarge = longest > MAX_IMAGE_SIDE;
  if (!tooLarge && !type.convertTo) {
    const data = await readFile(path);
    return { file: path, data, mimeType: type.mimeType, size: sizeOf(original) };
  }
  const format = type.convertTo ?? (type.mimeType === "image/jpeg" ? "jpeg" : "png");
  const output = join(work, `image.${format === "jpeg" ? "jpg" : "png"}`);
  if (tooLarge) await tools.downscale(path, output, MAX_IMAGE_SIDE, format);
  else await tools.convert(path, output, format);
  const scaled = await imageSizeFromFile(output).catch(() => undefined);
  return {
    file: output,
    data: await readFile(output),
    mimeType: format === "jpeg" ? "image/jpeg" : "image/png",
    size: { ...sizeOf(scaled), ...(tooLarge && original && { scaledFrom: sizeOf(original) }) },
  };
}

function sizeOf(size: { width: number; height: number } | undefined) {
  return size ? { width: size.width, height: size.height } : {};
}

/** A thumbnail as a `data:` URL, or nothing when sips cannot make one (History then shows the name alone). */
async function makeThumbnail(image: string, tools: ImageTools, work: string): Promise<string | undefined> {
  const output = join(work, "thumbnail.jpg");
  try {
    await tools.thumbnail(image, output);
    return `data:image/jpeg;base64,${(await readFile(output)).toString("base64")}`;
  } catch {
    return undefined;
  }
}

async function readHead(path: string): Promise<Uint8Array> {
  const file = await open(path, "r");
  try {
    const head = Buffer.alloc(4096);
    const { bytesRead } = await file.read(head, 0, head.length, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

export function sha256(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** The SHA-256 of a file read as a stream (its bytes are never all in memory). */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
