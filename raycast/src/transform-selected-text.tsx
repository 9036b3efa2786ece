import { TransformCommand } from "./components/transform-command";

/** Transform Selected Text: run a prompt on the text selected in the frontmost app. */
export default function Command() {
  return <TransformCommand source="selection" />;
}
