import { Clipboard, getSelectedFinderItems } from "@raycast/api";
import { fileURLToPath } from "node:url";

/** A path from Raycast, which may give a `file://` URL. */
function pathOf(file: string): string {
  return file.startsWith("file://") ? fileURLToPath(file) : file;
}

/** The file or image on the clipboard (Raycast hands an image over as a temporary file), if any. */
export async function clipboardFiles(): Promise<string[]> {
  const { file } = await Clipboard.read();
  return file ? [pathOf(file)] : [];
}

/** The files selected in Finder; none when Finder is not the frontmost application. */
export async function finderFiles(): Promise<string[]> {
  try {
    return (await getSelectedFinderItems()).map((item) => pathOf(item.path));
  } catch {
    return [];
  }
}

/** What Ask About Selection asks about: the files selected in Finder, or else the clipboard's file or image. */
export async function selectedFiles(): Promise<string[]> {
  const inFinder = await finderFiles();
  return inFinder.length > 0 ? inFinder : clipboardFiles();
}
