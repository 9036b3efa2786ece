import { Detail, Icon, List } from "@raycast/api";
import { usePromise } from "@raycast/utils";
import { useState } from "react";
import { availabilityOf } from "./attachments/availability";
import { attachmentsLine } from "./helpers/answer-markdown";
import { conversationMarkdown } from "./helpers/chat";
import { formatDuration, formatUsage } from "./helpers/format";
import { isInterrupted, searchHistory, type HistoryEntry } from "./storage/history-bounds";
import { HistoryEntryActions } from "./components/history-entry-actions";
import { useHistory } from "./hooks/use-history";

/** The files an entry was asked about: thumbnails, names, and whether each is still on this Mac. */
function filesMarkdown(entry: HistoryEntry, available: Map<string, boolean>): string {
  const files = entry.messages.flatMap((message) => message.attachments ?? []);
  if (files.length === 0) return "";
  const thumbnails = files.flatMap((file) => (file.thumbnail ? [`![${file.name}](${file.thumbnail})`] : []));
  const line = attachmentsLine(files.map((file) => ({ ...file, available: available.get(file.sha256) })));
  return `${[...thumbnails, line].join(" ")}\n\n`;
}

function entryMarkdown(entry: HistoryEntry, available = new Map<string, boolean>()): string {
  const body =
    entry.kind === "chat"
      ? conversationMarkdown([...entry.messages, { role: "assistant", content: entry.answer }])
      : `${filesMarkdown(entry, available)}> ${entry.title.split("\n").join("\n> ")}\n\n${entry.answer}`;
  if (!isInterrupted(entry)) return body;
  const why = entry.failure ? `${entry.failure}: the answer stopped here` : "Interrupted: the answer stopped here";
  return `${body}\n\n---\n_${why}. Regenerate to get it whole._`;
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
      {isInterrupted(entry) && <List.Item.Detail.Metadata.Label title="Status" text={entry.failure ?? "Interrupted"} />}
    </List.Item.Detail.Metadata>
  );
}

/** History: every question and answer kept on this Mac, searchable. */
export default function Command() {
  const { entries, isLoading, remove, clear } = useHistory();
  const [search, setSearch] = useState("");
  const shown = searchHistory(entries, search);
  // Whether the files asked about are still there (found by place and hash), for "no longer available".
  const { data: available } = usePromise(
    (list: HistoryEntry[]) => availabilityOf(list.flatMap((entry) => entry.messages)),
    [entries],
    { onError: () => undefined },
  );

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
          detail={
            <List.Item.Detail markdown={entryMarkdown(entry, available)} metadata={<EntryMetadata entry={entry} />} />
          }
          actions={
            <HistoryEntryActions
              entry={entry}
              onDelete={remove}
              onClear={clear}
              openTarget={
                <Detail
                  navigationTitle={entry.title}
                  markdown={entryMarkdown(entry, available)}
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
