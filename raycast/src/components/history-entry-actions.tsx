import { Action, ActionPanel, Alert, confirmAlert, Icon, Keyboard } from "@raycast/api";
import { isInterrupted, type HistoryEntry } from "../storage/history-bounds";
import { AnswerView } from "./answer-view";
import { ContinueInChatAction } from "./continue-in-chat-action";

/** Answers the entry's last question again, replacing the entry (for interrupted answers above all). */
export function RegenerateAnswer(props: { entry: HistoryEntry }) {
  const { entry } = props;
  return (
    <AnswerView
      request={{
        id: `${entry.id}-${Date.now()}`,
        model: entry.model,
        messages: entry.messages,
        history: { kind: entry.kind, title: entry.title, historyId: entry.id },
      }}
      navigationTitle={entry.title}
    />
  );
}

/** The actions on one History entry. */
export function HistoryEntryActions(props: {
  entry: HistoryEntry;
  onDelete: (id: string) => void;
  onClear: () => void;
  /** Set in the list, where an entry can be opened. */
  openTarget?: React.ReactNode;
}) {
  const { entry } = props;
  const regenerate = (
    <Action.Push
      key="regenerate"
      title="Regenerate"
      icon={Icon.ArrowClockwise}
      shortcut={Keyboard.Shortcut.Common.Refresh}
      target={<RegenerateAnswer entry={entry} />}
    />
  );
  return (
    <ActionPanel>
      {isInterrupted(entry) && regenerate}
      {props.openTarget && <Action.Push title="Open Answer" icon={Icon.Eye} target={props.openTarget} />}
      <Action.CopyToClipboard title="Copy Answer" content={entry.answer} />
      <ContinueInChatAction
        messages={entry.messages}
        answer={entry.answer}
        model={entry.model}
        conversationId={entry.kind === "chat" ? entry.id : undefined}
      />
      {!isInterrupted(entry) && regenerate}
      <ActionPanel.Section>
        <Action.CopyToClipboard
          title="Copy Question"
          content={entry.title}
          shortcut={Keyboard.Shortcut.Common.CopyName}
        />
        <Action
          title="Delete Entry"
          icon={Icon.Trash}
          style={Action.Style.Destructive}
          shortcut={Keyboard.Shortcut.Common.Remove}
          onAction={() => props.onDelete(entry.id)}
        />
        <Action
          title="Clear History"
          icon={Icon.Trash}
          style={Action.Style.Destructive}
          shortcut={Keyboard.Shortcut.Common.RemoveAll}
          onAction={async () => {
            const sure = await confirmAlert({
              title: "Clear the whole history?",
              message: "Every question and answer kept on this Mac will be deleted.",
              primaryAction: { title: "Clear History", style: Alert.ActionStyle.Destructive },
            });
            if (sure) props.onClear();
          }}
        />
      </ActionPanel.Section>
    </ActionPanel>
  );
}
