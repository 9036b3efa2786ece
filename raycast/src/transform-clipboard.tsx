import { TransformCommand } from "./components/transform-command";

/** Transform Clipboard: run a prompt on the text on the clipboard. */
export default function Command() {
  return <TransformCommand source="clipboard" />;
}
