import type { ChatMessage } from "../openai/completion";
import { hasData, type AttachmentInfo } from "./attachment";
import { prepareAttachment, sha256OfFile } from "./prepare";

/** True when the file History remembers is still where it was, unchanged (same SHA-256). */
export async function isStillAvailable(attachment: AttachmentInfo): Promise<boolean> {
  if (!attachment.path) return false;
  return (await sha256OfFile(attachment.path).catch(() => undefined)) === attachment.sha256;
}

/**
 * The messages with the bytes of each file History remembers read again from its place, when it is still there and
 * unchanged; a file that is gone stays without bytes (sending then says it is no longer available).
 */
export async function restoreFiles(messages: ChatMessage[]): Promise<ChatMessage[]> {
  if (!messages.some((message) => message.attachments?.some((file) => !hasData(file)))) return messages;
  return Promise.all(
    messages.map(async (message) => {
      if (!message.attachments) return message;
      const attachments = await Promise.all(
        message.attachments.map(async (file) =>
          hasData(file) || !(await isStillAvailable(file)) ? file : prepareAttachment(file.path!),
        ),
      );
      return { ...message, attachments };
    }),
  );
}

/** For each remembered file (by hash), whether it is still available. */
export async function availabilityOf(messages: ChatMessage[]): Promise<Map<string, boolean>> {
  const files = messages.flatMap((message) => message.attachments ?? []);
  const checked = await Promise.all(files.map(async (file) => [file.sha256, await isStillAvailable(file)] as const));
  return new Map(checked);
}
