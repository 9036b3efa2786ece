import { Action, ActionPanel, Detail } from "@raycast/api";
import { diffMarkdown, diffStats, diffWords } from "../helpers/diff";

/** The original text and the result side by side as one diff: removed words struck through, added in bold. */
export function DiffView(props: { before: string; after: string }) {
  const parts = diffWords(props.before, props.after);
  const stats = diffStats(parts);
  return (
    <Detail
      navigationTitle="Changes"
      markdown={diffMarkdown(parts)}
      metadata={
        <Detail.Metadata>
          <Detail.Metadata.Label title="Words Added" text={String(stats.added)} />
          <Detail.Metadata.Label title="Words Removed" text={String(stats.removed)} />
        </Detail.Metadata>
      }
      actions={
        <ActionPanel>
          <Action.CopyToClipboard title="Copy Result" content={props.after} />
          <Action.CopyToClipboard title="Copy Original" content={props.before} />
        </ActionPanel>
      }
    />
  );
}
