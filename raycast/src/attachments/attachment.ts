import type { AttachmentKind } from "./kinds";

/** What is known of an attachment without its bytes: what History keeps. */
export interface AttachmentInfo {
  name: string;
  kind: AttachmentKind;
  /** The type sent (after any conversion). */
  mimeType: string;
  /** Bytes sent (after any scaling). */
  bytes: number;
  /** SHA-256 (hex) of the file as it was on disk: tells whether the file at `path` is still the one asked about. */
  sha256: string;
  /** Where it was on the Mac; absent for a screenshot, removed after its answer. */
  path?: string;
  /** The fence's language, for text. */
  language?: string;
  /** Pixel size as sent, and before scaling when it was scaled down. */
  width?: number;
  height?: number;
  scaledFrom?: { width: number; height: number };
  /** A small JPEG as a `data:` URL, for History. */
  thumbnail?: string;
}

/** An attachment ready to send: its description and its bytes. */
export interface Attachment extends AttachmentInfo {
  data: Buffer;
}

/** The description alone, for History: never the file. */
export function attachmentInfo(attachment: AttachmentInfo): AttachmentInfo {
  const info: Partial<Attachment> = { ...attachment };
  delete info.data;
  return info as AttachmentInfo;
}

/** True when the bytes are at hand (false for an attachment read back from History). */
export function hasData(attachment: AttachmentInfo): attachment is Attachment {
  return Buffer.isBuffer((attachment as Attachment).data);
}
