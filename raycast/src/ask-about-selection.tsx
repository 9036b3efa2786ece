import type { LaunchProps } from "@raycast/api";
import { selectedFiles } from "./attachments/sources";
import { AskWithFiles } from "./components/ask-with-files";
import { NothingSelectedError } from "./failures/errors";

/** The files selected in Finder, or else the clipboard's image or file. */
async function findSelection() {
  const paths = await selectedFiles();
  if (paths.length === 0) throw new NothingSelectedError("No file selected in Finder, none on the clipboard");
  return paths.map((path) => ({ path }));
}

/** Ask About Selection: a question about the files selected in Finder, or the image or file on the clipboard. */
export default function Command(props: LaunchProps<{ arguments: Arguments.AskAboutSelection }>) {
  return <AskWithFiles question={props.arguments.question.trim()} find={findSelection} />;
}
