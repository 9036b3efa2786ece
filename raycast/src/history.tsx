import { Detail, Icon, List } from "@raycast/api";
import { useState } from "react";
import { conversationMarkdown } from "./helpers/chat";
import { formatDuration, formatUsage } from "./helpers/format";
import { isInterrupted, searchHistory, type HistoryEntry } from "./storage/history-bounds";
import { HistoryEntryActions } from "./components/history-entry-actions";
import { useHistory } from "./hooks/use-history";

function entryMarkdown(entry: HistoryEntry): string {
  const body =
    entry.kind === "chat"
      ? conversationMarkdown([...entry.messages, { role: "assistant", content: entry.answer }])
      : `> ${entry.title.split("\n").join("\n> ")}\n\n${entry.answer}`;
  return isInterrupted(entry)
    ? `${body}\n\n---\n_Interrupted: the answer stopped here. Regenerate to get it whole._`
    : body;
}

const KIND_LABEL: Record<HistoryEntry["kind"], string> = { ask: "Ask", transform: "Transform", chat: "Chat" };

function EntryMetadata({ entry }: { entry: HistoryEntry }) {
  return (
    <List.Item.Detail.Metadata>
      <List.Item.Detail.Metadata.Label title="Kind" text={KIND_LABEL[entry.kind]} />
      <List.Item.Detail.Metadata.Label title="Model" text={entry.model} />
      {entry.usage && <List.Item.Detail.Metadata.Label title="Tokens" text={formatUsage(entry.usage)} />}
      {entry.durationMs !== undefined && (
        <List.Item.Detail.Metadata.Label title="Time" text={formatDuration(entry.durationMs)} />
      )}
      <List.Item.Detail.Metadata.Label title="Date" text={new Date(entry.createdAt).toLocaleString()} />
      {isInterrupted(entry) && <List.Item.Detail.Metadata.Label title="Status" text="Interrupted" />}
    </List.Item.Detail.Metadata>
  );
}

/** History: every question and answer kept on this Mac, searchable. */
export default function Command() {
  const { entries, isLoading, remove, clear } = useHistory();
  const [search, setSearch] = useState("");
  const shown = searchHistory(entries, search);

  return (
    <List
      isLoading={isLoading}
      isShowingDetail={shown.length > 0}
      filtering={false}
      onSearchTextChange={setSearch}
      searchBarPlaceholder="Search questions and answers…"
    >
      <List.EmptyView
        icon={Icon.Clock}
        title={search ? "Nothing matches" : "No history yet"}
        description="Questions and answers are kept here, on this Mac only."
      />
      {shown.map((entry) => (
        <List.Item
          key={entry.id}
          title={entry.title}
          icon={
            isInterrupted(entry)
              ? Icon.ExclamationMark
              : entry.kind === "chat"
                ? Icon.SpeechBubble
                : entry.kind === "transform"
                  ? Icon.Wand
                  : Icon.QuestionMark
          }
          accessories={isInterrupted(entry) ? [{ tag: "Interrupted" }] : []}
          detail={<List.Item.Detail markdown={entryMarkdown(entry)} metadata={<EntryMetadata entry={entry} />} />}
          actions={
            <HistoryEntryActions
              entry={entry}
              onDelete={remove}
              onClear={clear}
              openTarget={
                <Detail
                  navigationTitle={entry.title}
                  markdown={entryMarkdown(entry)}
                  actions={<HistoryEntryActions entry={entry} onDelete={remove} onClear={clear} />}
                />
              }
            />
          }
        />
      ))}
    </List>
  );
}
