import { Color, Icon, launchCommand, LaunchType, MenuBarExtra } from "@raycast/api";
import { useRelayStatus } from "./hooks/use-relay-status";

function launch(name: string) {
  return () => launchCommand({ name, type: LaunchType.UserInitiated });
}

/** Relay Status (menu bar): does the paired relay answer, how fast, which version; shortcuts to Ask and Chat. */
export default function Command() {
  const { status, isLoading } = useRelayStatus();
  const ok = status?.ok ?? false;
  const headline = !status
    ? "Checking the relay…"
    : !status.paired
      ? "Not paired"
      : ok
        ? `Relay answering in ${status.latencyMs} ms`
        : (status.failure?.title ?? "Relay not answering");

  return (
    <MenuBarExtra
      isLoading={isLoading}
      icon={{
        source: status && !status.paired ? Icon.Circle : Icon.CircleFilled,
        tintColor: !status || !status.paired ? Color.SecondaryText : ok ? Color.Green : Color.Red,
      }}
      tooltip={headline}
    >
      <MenuBarExtra.Section title="Relay">
        <MenuBarExtra.Item title={headline} subtitle={status?.address} />
        {ok && <MenuBarExtra.Item title={`Version ${status?.version}`} />}
        {!ok && status?.failure && <MenuBarExtra.Item title={status.failure.message} />}
      </MenuBarExtra.Section>
      <MenuBarExtra.Section>
        <MenuBarExtra.Item title="Ask" icon={Icon.QuestionMark} onAction={launch("ask")} />
        <MenuBarExtra.Item title="Chat" icon={Icon.SpeechBubble} onAction={launch("chat")} />
        <MenuBarExtra.Item title="Transform Clipboard" icon={Icon.Clipboard} onAction={launch("transform-clipboard")} />
        <MenuBarExtra.Item title="History" icon={Icon.Clock} onAction={launch("history")} />
      </MenuBarExtra.Section>
      <MenuBarExtra.Section>
        <MenuBarExtra.Item title="Connect to Relay…" icon={Icon.Plug} onAction={launch("connect-to-relay")} />
        <MenuBarExtra.Item title="Check Again" icon={Icon.ArrowClockwise} onAction={launch("relay-status")} />
      </MenuBarExtra.Section>
    </MenuBarExtra>
  );
}
