import type { ChatMessage } from "../openai/completion";
import type { Attachment } from "./attachment";
import { prepareAttachment, type PrepareOptions } from "./prepare";
import { clipboardFiles, finderFiles } from "./sources";
import { NothingToAttachError } from "../failures/errors";

/** One file to attach: where it is, and whether it is a temporary file of ours (a screenshot). */
export interface FileToAttach {
  path: string;
  temporary?: boolean;
}

/** Reads the files to send, in order; the first that cannot be sent rejects with its reason. */
export function prepareFiles(files: FileToAttach[], options: PrepareOptions = {}): Promise<Attachment[]> {
  return Promise.all(files.map((file) => prepareAttachment(file.path, { ...options, keepPath: !file.temporary })));
}

/** Reads the files an Attach action finds (the clipboard's, or Finder's selection); finding none is a failure. */
export async function attachedFrom(where: "clipboard" | "finder", options: PrepareOptions = {}): Promise<Attachment[]> {
  const paths = where === "clipboard" ? await clipboardFiles() : await finderFiles();
  if (paths.length === 0) throw new NothingToAttachError(`No file found in ${where}`, { where });
  return prepareFiles(
    paths.map((path) => ({ path })),
    options,
  );
}

/** The conversation with `files` added to its last question. */
export function attachToLastQuestion(messages: ChatMessage[], files: Attachment[]): ChatMessage[] {
  const index = messages.map((message) => message.role).lastIndexOf("user");
  if (index === -1) return messages;
  const question = messages[index];
  const attached = { ...question, attachments: [...(question.attachments ?? []), ...files] };
  return [...messages.slice(0, index), attached, ...messages.slice(index + 1)];
}

/** The files of the last question (shown above its answer). */
export function lastQuestionFiles(messages: ChatMessage[]) {
  return [...messages].reverse().find((message) => message.role === "user")?.attachments ?? [];
}
