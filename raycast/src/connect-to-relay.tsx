import { Action, ActionPanel, Form, Icon, List, popToRoot, showToast, Toast, useNavigation } from "@raycast/api";
import { hostname } from "node:os";
import { useForm, usePromise } from "@raycast/utils";
import { useEffect, useState } from "react";
import { confirmPairedRelayAt, getRelayConnection, savePairedRelay, type PairedConnection } from "./relay/connection";
import type { DiscoveredRelay, RelayLookup } from "./relay/discovery";
import { PairingCodeError, RelayNotFoundError } from "./failures/errors";
import { pairWithRelay } from "./relay/pairing";
import { showFailure } from "./failures/toast";
import { useRelayDiscovery } from "./hooks/use-relay-discovery";
import { FINGERPRINT_CHARS, parsePairingCode, PIN_CHARS, RELAY_ID_CHARS } from "./relay/pairing-code";

const CODE_CHARS = FINGERPRINT_CHARS + PIN_CHARS;
const CODE_PLACEHOLDER = Array.from({ length: CODE_CHARS / 4 }, () => "XXXX").join("-");

/** Connect to Relay: pick a relay found on the network (or type its address), type the code it shows, pair. */
export default function Command() {
  const { browseRelays } = useRelayDiscovery();
  const [relays, setRelays] = useState<DiscoveredRelay[]>([]);
  const [searching, setSearching] = useState(true);

  useEffect(() => {
    const stop = browseRelays(setRelays);
    const timer = setTimeout(() => setSearching(false), 6_000);
    return () => {
      clearTimeout(timer);
      stop();
    };
  }, []);

  return (
    <List isLoading={searching} searchBarPlaceholder="Relays on this network">
      <List.Section title="On this network">
        {relays.map((relay) => (
          <List.Item
            key={relay.relayId}
            icon={Icon.Network}
            title={relay.name}
            subtitle={relay.address}
            accessories={relay.version ? [{ text: `v${relay.version}` }] : []}
            actions={
              <ActionPanel>
                <Action.Push title="Pair with This Relay" icon={Icon.Link} target={<PairForm relay={relay} />} />
              </ActionPanel>
            }
          />
        ))}
      </List.Section>
      <List.Section title="Not listed?">
        <List.Item
          icon={Icon.Keyboard}
          title="Type the Code (and the Address)"
          subtitle="The relay is found by its code; type its address if this network hides it"
          actions={
            <ActionPanel>
              <Action.Push title="Type the Code" icon={Icon.Keyboard} target={<PairForm />} />
            </ActionPanel>
          }
        />
      </List.Section>
    </List>
  );
}

interface PairValues {
  code: string;
  address: string;
  deviceName: string;
}

/** Pairs as the form says: finds the relay by its code unless it was picked or its address typed, then stores it. */
async function pair(values: PairValues, relay: DiscoveredRelay | undefined, find: RelayLookup): Promise<void> {
  const code = parsePairingCode(values.code);
  if (!code) throw new PairingCodeError("Not a pairing code");
  const address = relay?.address ?? (values.address.trim() || (await findByCode(code.fingerprintPart, find)));
  const paired = await pairWithRelay({ address, code: values.code, deviceName: values.deviceName.trim() || "Mac" });
  await savePairedRelay(paired);
}

/**
 * Runs the form's step under one toast: pairing with a code, or (no code typed) finding the relay this Mac is paired
 * with at the address typed, where its pinned certificate proves it is the same relay: no new code is needed.
 */
async function connect(values: PairValues, relay: DiscoveredRelay | undefined, context: PairContext): Promise<void> {
  const toast = await showToast({ style: Toast.Style.Animated, title: "Pairing…" });
  try {
    const address = relay?.address ?? values.address.trim();
    if (!values.code.trim() && context.paired && address) {
      const found = await confirmPairedRelayAt(context.paired, address);
      toast.title = "Found the paired relay again";
      toast.message = `It answers at ${found.address}; Ask, Chat and Transform go there now.`;
    } else {
      await pair(values, relay, context.find);
      toast.title = "Paired with the relay";
      toast.message = "Ask, Chat and Transform now go through it, over an encrypted connection.";
    }
    toast.style = Toast.Style.Success;
    await popToRoot();
  } catch (error) {
    await toast.hide();
    throw error;
  }
}

interface PairContext {
  /** The relay this Mac is paired with already, if any. */
  paired?: PairedConnection;
  find: RelayLookup;
}

function PairForm({ relay }: { relay?: DiscoveredRelay }) {
  const { pop } = useNavigation();
  const { findRelayById } = useRelayDiscovery();
  const { data: paired } = usePromise(getRelayConnection, [], { onError: () => undefined });
  const [busy, setBusy] = useState(false);
  const codeProblem = `${CODE_CHARS} letters and digits, as the relay shows them`;
  const { handleSubmit, itemProps, setValidationError } = useForm<PairValues>({
    initialValues: { code: "", address: "", deviceName: hostname().replace(/\.local$/, "") },
    // Paired already, the code may be left out: the relay's new address alone finds it again.
    validation: {
      code: (value) => (parsePairingCode(value ?? "") || (paired && !value?.trim()) ? undefined : codeProblem),
    },
    onSubmit: async (values): Promise<boolean> => {
      if (!values.code.trim() && !relay && !values.address.trim()) {
        setValidationError("address", "The relay's new address, as it prints it");
        return false;
      }
      setBusy(true);
      try {
        await connect(values, relay, { paired, find: findRelayById });
      } catch (error) {
        await showFailure(error);
        if (error instanceof PairingCodeError) setValidationError("code", codeProblem);
      } finally {
        setBusy(false);
      }
      return true;
    },
  });

  return (
    <Form
      isLoading={busy}
      navigationTitle={relay ? `Pair with ${relay.name}` : "Pair with a Relay"}
      actions={
        <ActionPanel>
          <Action.SubmitForm title="Pair" icon={Icon.Link} onSubmit={handleSubmit} />
          <Action title="Back" icon={Icon.ArrowLeft} onAction={pop} />
        </ActionPanel>
      }
    >
      <Form.Description text="On the PC, press p in the relay's window (or run `npx passerelle pair`) and type the code it shows." />
      <Form.TextField title="Pairing Code" placeholder={CODE_PLACEHOLDER} {...itemProps.code} />
      {!relay && (
        <Form.TextField
          title="Relay Address"
          placeholder="Optional: found by its code on this network"
          info="Only if the relay is not found: the address it prints at start, e.g. 192.168.1.20:8787."
          {...itemProps.address}
        />
      )}
      {paired && (
        <Form.Description text="This Mac is paired already: if the relay moved, its new address alone finds it again, with no code." />
      )}
      <Form.TextField title="This Mac's Name" {...itemProps.deviceName} />
    </Form>
  );
}

/** The relay's id is the start of its code: look it up on the network. */
async function findByCode(fingerprintPart: string, find: RelayLookup): Promise<string> {
  const relayId = fingerprintPart.slice(0, RELAY_ID_CHARS).toLowerCase();
  const found = await find(relayId, { timeoutMs: 5_000 });
  if (!found) throw new RelayNotFoundError(`No relay announced the id ${relayId}`);
  return found.address;
}
