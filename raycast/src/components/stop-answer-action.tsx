import { Action, Icon, type Keyboard } from "@raycast/api";

/** ⌘. stops an answer, as it cancels in any Mac app; no other action of an answer's screen may take it. */
export const STOP_ANSWER_SHORTCUT: Keyboard.Shortcut = { modifiers: ["cmd"], key: "." };

/** "Stop Answer": ends the streaming request and keeps what arrived. */
export function StopAnswerAction(props: { onStop: () => void }) {
  return <Action title="Stop Answer" icon={Icon.Stop} shortcut={STOP_ANSWER_SHORTCUT} onAction={props.onStop} />;
}
