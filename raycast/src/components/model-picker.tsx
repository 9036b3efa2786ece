import { Action, ActionPanel, Icon, List, useNavigation } from "@raycast/api";
import { useState } from "react";
import { describeFailure } from "../failures/describe";
import { useModels } from "../hooks/use-models";
import { ConnectToRelayAction } from "./connect-to-relay-action";

/** A searchable list of the relay's models; picking one calls `onPick` and goes back. */
export function ModelPicker(props: { current: string; onPick: (model: string) => void }) {
  const { models, isLoading, error } = useModels();
  const [search, setSearch] = useState("");
  const { pop } = useNavigation();
  const typed = search.trim();
  const failure = error === undefined ? undefined : describeFailure(error);
  const choose = (model: string) => {
    props.onPick(model);
    pop();
  };

  return (
    <List
      isLoading={isLoading}
      navigationTitle="Choose Model"
      searchBarPlaceholder="Search models or type a name…"
      onSearchTextChange={setSearch}
    >
      {failure && models.length === 0 ? (
        <List.EmptyView
          icon={Icon.Warning}
          title={failure.title}
          description={failure.message}
          actions={
            failure.fix === "connect-to-relay" ? (
              <ActionPanel>
                <ConnectToRelayAction />
              </ActionPanel>
            ) : undefined
          }
        />
      ) : null}
      {models.map((model) => (
        <List.Item
          key={model}
          title={model}
          icon={model === props.current ? Icon.CheckCircle : Icon.Circle}
          accessories={model === props.current ? [{ text: "Current" }] : []}
          actions={
            <ActionPanel>
              <Action title="Use This Model" icon={Icon.Checkmark} onAction={() => choose(model)} />
            </ActionPanel>
          }
        />
      ))}
      {typed && !models.includes(typed) ? (
        <List.Item
          title={typed}
          subtitle="Use this name"
          icon={Icon.Pencil}
          actions={
            <ActionPanel>
              <Action title="Use This Model" icon={Icon.Checkmark} onAction={() => choose(typed)} />
            </ActionPanel>
          }
        />
      ) : null}
    </List>
  );
}
