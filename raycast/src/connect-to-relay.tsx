import { Action, ActionPanel, Form, Icon, List, popToRoot, showToast, Toast, useNavigation } from "@raycast/api";
import { hostname } from "node:os";
import { useForm } from "@raycast/utils";
import { useEffect, useState } from "react";
import { savePairedRelay } from "./relay/connection";
import { browseRelays, findRelayById, type DiscoveredRelay } from "./relay/discovery";
import { PairingCodeError, RelayNotFoundError } from "./failures/errors";
import { pairWithRelay } from "./relay/pairing";
import { showFailure } from "./failures/toast";
import { FINGERPRINT_CHARS, parsePairingCode, PIN_CHARS, RELAY_ID_CHARS } from "./relay/pairing-code";

const CODE_CHARS = FINGERPRINT_CHARS + PIN_CHARS;
const CODE_PLACEHOLDER = Array.from({ length: CODE_CHARS / 4 }, () => "XXXX").join("-");

/** Connect to Relay: pick a relay found on the network (or type its address), type the code it shows, pair. */
export default function Command() {
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
async function pair(values: PairValues, relay: DiscoveredRelay | undefined): Promise<void> {
  const toast = await showToast({ style: Toast.Style.Animated, title: "Pairing…" });
  try {
    const code = parsePairingCode(values.code);
    if (!code) throw new PairingCodeError("Not a pairing code");
    const address = relay?.address ?? (values.address.trim() || (await findByCode(code.fingerprintPart)));
    const paired = await pairWithRelay({ address, code: values.code, deviceName: values.deviceName.trim() || "Mac" });
    await savePairedRelay(paired);
    toast.style = Toast.Style.Success;
    toast.title = "Paired with the relay";
    toast.message = "Ask, Chat and Transform now go through it, over an encrypted connection.";
    await popToRoot();
  } catch (error) {
    await toast.hide();
    throw error;
  }
}

function PairForm({ relay }: { relay?: DiscoveredRelay }) {
  const { pop } = useNavigation();
  const [busy, setBusy] = useState(false);
  const { handleSubmit, itemProps, setValidationError } = useForm<PairValues>({
    initialValues: { code: "", address: "", deviceName: hostname().replace(/\.local$/, "") },
    validation: {
      code: (value) =>
        parsePairingCode(value ?? "") ? undefined : `${CODE_CHARS} letters and digits, as the relay shows them`,
    },
    onSubmit: async (values) => {
      setBusy(true);
      try {
        await pair(values, relay);
      } catch (error) {
        await showFailure(error);
        if (error instanceof PairingCodeError) setValidationError("code", error.message);
      } finally {
        setBusy(false);
      }
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
      <Form.TextField title="This Mac's Name" {...itemProps.deviceName} />
    </Form>
  );
}

/** The relay's id is the start of its code: look it up on the network. */
async function findByCode(fingerprintPart: string): Promise<string> {
  const relayId = fingerprintPart.slice(0, RELAY_ID_CHARS).toLowerCase();
  const found = await findRelayById(relayId, { timeoutMs: 5_000 });
  if (!found) throw new RelayNotFoundError(`No relay announced the id ${relayId}`);
  return found.address;
}
