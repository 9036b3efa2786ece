/**
 * A small stand-in for `@raycast/api` (aliased in vitest.config.mts): views render as plain DOM,
 * and what they do to the outside (clipboard, paste, toasts, storage, launches) is recorded in `raycast`.
 */
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createContext, useContext, useLayoutEffect, useRef, useState, type ReactElement, type ReactNode } from "react";

type Props = Record<string, unknown> & { children?: ReactNode };

// ---- recorded state, reset before each test -------------------------------------------------------

interface ToastRecord {
  style: string;
  title: string;
  message?: string;
  primaryAction?: { title: string; onAction: (toast: ToastRecord) => void };
  secondaryAction?: { title: string; onAction: (toast: ToastRecord) => void };
  hide: () => Promise<void>;
}

function freshState() {
  return {
    preferences: { apiKey: "sk-test-key", model: "gpt-4.1-mini" } as Record<string, unknown>,
    /** What getSelectedText resolves to, or the error it rejects with. */
    selection: new Error("Unable to get selected text from frontmost application") as string | Error,
    clipboard: undefined as string | undefined,
    /** When set, reading the clipboard rejects with it. */
    clipboardError: undefined as Error | undefined,
    /** A file (or an image, as Raycast hands it over) on the clipboard: its path, or a `file://` URL. */
    clipboardFile: undefined as string | undefined,
    /** The paths selected in Finder, or the error getSelectedFinderItems rejects with (Finder not in front). */
    finderSelection: new Error("Finder isn't the frontmost application") as string[] | Error,
    copied: [] as string[],
    pasted: [] as string[],
    toasts: [] as ToastRecord[],
    huds: [] as string[],
    storage: new Map<string, string | number | boolean>(),
    /** Raycast's Cache, by namespace and key. */
    cache: new Map<string, string>(),
    launched: [] as unknown[],
    opened: [] as string[],
    quicklinks: [] as { link: string; name?: string }[],
    confirmAnswer: true,
    /** The titles of the alerts asked, in order. */
    alerts: [] as string[],
    closedWindow: 0,
    poppedToRoot: 0,
    openedPreferences: 0,
    /** How many times a Detail rendered (a streaming view must not re-render per token). */
    detailRenders: 0,
  };
}

/** What the views did, and what the world looks like to them. */
export const raycast = { ...freshState(), reset: () => Object.assign(raycast, freshState()) };

// ---- simple API ----------------------------------------------------------------------------------

export const environment = {
  extensionName: "passerelle",
  commandName: "test",
  commandMode: "view",
  launchType: "userInitiated",
  isDevelopment: true,
  raycastVersion: "1.104.0",
  appearance: "light",
  theme: "light",
  textSize: "medium",
  supportPath: join(tmpdir(), "passerelle-test-support"),
  assetsPath: join(dirname(fileURLToPath(import.meta.url)), "..", "assets"),
  canAccess: () => true,
};

export enum LaunchType {
  UserInitiated = "userInitiated",
  Background = "background",
}

export function getPreferenceValues<T>(): T {
  return { ...raycast.preferences } as T;
}

export async function getSelectedFinderItems(): Promise<{ path: string }[]> {
  if (raycast.finderSelection instanceof Error) throw raycast.finderSelection;
  return raycast.finderSelection.map((path) => ({ path }));
}

export async function getSelectedText(): Promise<string> {
  if (raycast.selection instanceof Error) throw raycast.selection;
  return raycast.selection;
}

export const Clipboard = {
  async copy(content: string | { text: string }) {
    const text = typeof content === "string" ? content : content.text;
    raycast.copied.push(text);
    raycast.clipboard = text;
  },
  async paste(content: string | { text: string }) {
    raycast.pasted.push(typeof content === "string" ? content : content.text);
  },
  async readText() {
    if (raycast.clipboardError) throw raycast.clipboardError;
    return raycast.clipboard;
  },
  async read() {
    return { text: raycast.clipboard ?? "", ...(raycast.clipboardFile && { file: raycast.clipboardFile }) };
  },
  async clear() {
    raycast.clipboard = undefined;
  },
};

export const LocalStorage = {
  async getItem<T = string>(key: string): Promise<T | undefined> {
    return raycast.storage.get(key) as T | undefined;
  },
  async setItem(key: string, value: string | number | boolean) {
    raycast.storage.set(key, value);
  },
  async removeItem(key: string) {
    raycast.storage.delete(key);
  },
  async allItems() {
    return Object.fromEntries(raycast.storage);
  },
  async clear() {
    raycast.storage.clear();
  },
};

/** Raycast's synchronous cache (what `useCachedPromise` keeps), one store per namespace, emptied before each test. */
export class Cache {
  private readonly prefix: string;
  private readonly listeners = new Set<(key: string | undefined, data: string | undefined) => void>();
  constructor(options: { namespace?: string } = {}) {
    this.prefix = `${options.namespace ?? ""}/`;
  }
  get(key: string) {
    return raycast.cache.get(this.prefix + key);
  }
  set(key: string, value: string) {
    raycast.cache.set(this.prefix + key, value);
    for (const listener of this.listeners) listener(key, value);
  }
  has(key: string) {
    return raycast.cache.has(this.prefix + key);
  }
  remove(key: string) {
    const removed = raycast.cache.delete(this.prefix + key);
    for (const listener of this.listeners) listener(key, undefined);
    return removed;
  }
  clear() {
    for (const key of [...raycast.cache.keys()]) if (key.startsWith(this.prefix)) raycast.cache.delete(key);
    for (const listener of this.listeners) listener(undefined, undefined);
  }
  get isEmpty() {
    return ![...raycast.cache.keys()].some((key) => key.startsWith(this.prefix));
  }
  subscribe = (listener: (key: string | undefined, data: string | undefined) => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };
}

export const Toast = { Style: { Animated: "animated", Success: "success", Failure: "failure" } };

export async function showToast(
  options: Partial<ToastRecord> | string,
  title?: string,
  message?: string,
): Promise<ToastRecord> {
  const init = typeof options === "string" ? { style: options, title, message } : options;
  const toast: ToastRecord = {
    style: init.style ?? Toast.Style.Success,
    title: init.title ?? "",
    message: init.message,
    primaryAction: init.primaryAction,
    secondaryAction: init.secondaryAction,
    hide: async () => undefined,
  };
  raycast.toasts.push(toast);
  return toast;
}

export async function showHUD(title: string) {
  raycast.huds.push(title);
}
export async function closeMainWindow() {
  raycast.closedWindow++;
}
export async function popToRoot() {
  raycast.poppedToRoot++;
}
export async function launchCommand(options: unknown) {
  raycast.launched.push(options);
}
export async function open(target: string) {
  raycast.opened.push(target);
}
export async function showInFinder(path: string) {
  raycast.opened.push(path);
}
export async function openExtensionPreferences() {
  raycast.openedPreferences++;
}
export async function openCommandPreferences() {
  raycast.openedPreferences++;
}
export const Alert = { ActionStyle: { Default: "default", Destructive: "destructive", Cancel: "cancel" } };
export async function confirmAlert(options: { title: string }) {
  raycast.alerts.push(options.title);
  return raycast.confirmAnswer;
}

/** Any `Icon.X` or `Color.X` is its own name. */
export const Icon = new Proxy({}, { get: (_target, name) => String(name) }) as Record<string, string>;
export const Color = new Proxy({}, { get: (_target, name) => String(name) }) as Record<string, string>;
export const Image = { Mask: { Circle: "circle", RoundedRectangle: "roundedRectangle" } };
export const AI = { ask: async () => "", Model: {} };
export const OAuth = {};

const shortcut = (key: string) => ({ modifiers: ["cmd"], key });
export const Keyboard = {
  Shortcut: {
    Common: Object.fromEntries(
      [
        "Copy",
        "CopyDeeplink",
        "CopyName",
        "CopyPath",
        "Save",
        "Duplicate",
        "Edit",
        "MoveDown",
        "MoveUp",
        "New",
        "Open",
        "OpenWith",
        "Pin",
        "Refresh",
        "Remove",
        "RemoveAll",
        "ToggleQuickLook",
      ].map((name) => [name, shortcut(name.toLowerCase())]),
    ),
  },
};

// ---- navigation ------------------------------------------------------------------------------------

interface Navigation {
  push: (element: ReactNode) => void;
  pop: () => void;
}
const NavigationContext = createContext<Navigation>({ push: () => undefined, pop: () => undefined });

export function useNavigation(): Navigation {
  return useContext(NavigationContext);
}

/** Renders the top of a navigation stack that starts with `children`, as Raycast does. */
export function NavigationRoot({ children }: { children: ReactNode }) {
  const [stack, setStack] = useState<ReactNode[]>([children]);
  const navigation: Navigation = {
    push: (element) => setStack((current) => [...current, element]),
    pop: () => setStack((current) => (current.length > 1 ? current.slice(0, -1) : current)),
  };
  // Views under the top stay mounted (their state survives a push, as in Raycast), hidden from queries.
  return (
    <NavigationContext.Provider value={navigation}>
      {stack.map((element, index) => (
        <div key={index} data-depth={index + 1} hidden={index < stack.length - 1}>
          {element}
        </div>
      ))}
    </NavigationContext.Provider>
  );
}

// ---- views -------------------------------------------------------------------------------------------

function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string" || typeof value === "number") return String(value);
  if (typeof value === "object" && "value" in (value as object)) return String((value as { value: unknown }).value);
  return undefined;
}

function Detail(props: Props) {
  raycast.detailRenders++;
  return (
    <section data-view="Detail" aria-busy={Boolean(props.isLoading)} title={text(props.navigationTitle)}>
      <div data-testid="markdown">{text(props.markdown)}</div>
      {props.metadata as ReactNode}
      {props.actions as ReactNode}
    </section>
  );
}
function Metadata({ children }: Props) {
  return <dl data-testid="metadata">{children}</dl>;
}
function MetadataLabel(props: Props) {
  return (
    <>
      <dt>{text(props.title)}</dt>
      <dd>{text(props.text)}</dd>
    </>
  );
}
function MetadataTagList(props: Props) {
  return (
    <>
      <dt>{text(props.title)}</dt>
      <dd>{props.children}</dd>
    </>
  );
}
function MetadataTagListItem(props: Props) {
  return <span>{text(props.text)}</span>;
}
const Nothing = () => null;
Metadata.Label = MetadataLabel;
Metadata.Separator = Nothing;
Metadata.Link = MetadataLabel;
Metadata.TagList = Object.assign(MetadataTagList, { Item: MetadataTagListItem });
Detail.Metadata = Metadata;
export { Detail };

function List(props: Props) {
  const onSearchTextChange = props.onSearchTextChange as ((value: string) => void) | undefined;
  return (
    <section data-view="List" aria-busy={Boolean(props.isLoading)} title={text(props.navigationTitle)}>
      <input
        aria-label="Search"
        placeholder={text(props.searchBarPlaceholder)}
        {...(props.searchText !== undefined ? { value: text(props.searchText) } : {})}
        onChange={(event) => onSearchTextChange?.(event.target.value)}
      />
      {props.searchBarAccessory as ReactNode}
      {props.children}
      {props.actions as ReactNode}
    </section>
  );
}
function ListSection(props: Props) {
  return (
    <div role="group" aria-label={text(props.title)}>
      {props.children}
    </div>
  );
}
function ListItem(props: Props) {
  return (
    <div role="listitem" aria-label={text(props.title)}>
      <span>{text(props.title)}</span>
      {text(props.subtitle) && <small>{text(props.subtitle)}</small>}
      {(props.accessories as { text?: unknown; tag?: unknown }[] | undefined)?.map((accessory, index) => (
        <em key={index}>{text(accessory.text) ?? text(accessory.tag)}</em>
      ))}
      {props.detail as ReactNode}
      {props.actions as ReactNode}
    </div>
  );
}
function ListEmptyView(props: Props) {
  return (
    <div data-testid="empty-view">
      <h2>{text(props.title)}</h2>
      <p>{text(props.description)}</p>
      {props.actions as ReactNode}
    </div>
  );
}
function ListItemDetail(props: Props) {
  return (
    <div data-testid="item-detail">
      {text(props.markdown)}
      {props.metadata as ReactNode}
    </div>
  );
}
ListItemDetail.Metadata = Metadata;
function Dropdown(props: Props) {
  const onChange = props.onChange as ((value: string) => void) | undefined;
  return (
    <select
      aria-label={text(props.tooltip) ?? text(props.title)}
      name={text(props.id)}
      value={text(props.value)}
      defaultValue={text(props.defaultValue) ?? text(props.storeValue)}
      onChange={(event) => onChange?.(event.target.value)}
    >
      {props.children}
    </select>
  );
}
function DropdownItem(props: Props) {
  return <option value={text(props.value)}>{text(props.title)}</option>;
}
function DropdownSection({ children }: Props) {
  return <>{children}</>;
}
Dropdown.Item = DropdownItem;
Dropdown.Section = DropdownSection;
List.Item = Object.assign(ListItem, { Detail: ListItemDetail });
List.Section = ListSection;
List.EmptyView = ListEmptyView;
List.Dropdown = Dropdown;
export { List };

function Form(props: Props) {
  return (
    <form data-view="Form" aria-busy={Boolean(props.isLoading)} onSubmit={(event) => event.preventDefault()}>
      {props.children}
      {props.actions as ReactNode}
    </form>
  );
}
function field(kind: "input" | "textarea") {
  return function Field(props: Props) {
    const onChange = props.onChange as ((value: string) => void) | undefined;
    const common = {
      name: text(props.id),
      "aria-label": text(props.title),
      placeholder: text(props.placeholder),
      ...(props.value !== undefined
        ? { value: text(props.value) ?? "" }
        : { defaultValue: text(props.defaultValue) ?? "" }),
      onChange: (event: { target: { value: string } }) => onChange?.(event.target.value),
    };
    return (
      <label>
        {kind === "input" ? <input {...common} /> : <textarea {...common} />}
        {text(props.error) && <span role="alert">{text(props.error)}</span>}
      </label>
    );
  };
}
function Checkbox(props: Props) {
  const onChange = props.onChange as ((value: boolean) => void) | undefined;
  return (
    <input
      type="checkbox"
      name={text(props.id)}
      aria-label={text(props.label) ?? text(props.title)}
      defaultChecked={Boolean(props.defaultValue)}
      onChange={(event) => onChange?.(event.target.checked)}
    />
  );
}
function FormDescription(props: Props) {
  return <p>{text(props.text)}</p>;
}
Form.TextField = field("input");
Form.PasswordField = field("input");
Form.TextArea = field("textarea");
Form.FilePicker = field("input");
Form.Checkbox = Checkbox;
Form.Dropdown = Dropdown;
Form.Description = FormDescription;
Form.Separator = Nothing;
export { Form };

/** The values of a rendered form, as Raycast passes them to `onSubmit`. */
function formValues(form: HTMLFormElement | null): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  if (!form) return values;
  for (const element of Array.from(form.elements) as (HTMLInputElement | HTMLSelectElement)[]) {
    if (!element.name) continue;
    if (element instanceof HTMLInputElement && element.type === "checkbox") values[element.name] = element.checked;
    else values[element.name] = element.value;
  }
  return values;
}

/** A shortcut as one comparable text, e.g. `cmd+shift+.` (modifiers in a fixed order). */
export function shortcutText(shortcut: unknown): string | undefined {
  if (!shortcut || typeof shortcut !== "object") return undefined;
  const { modifiers = [], key } = shortcut as { modifiers?: string[]; key?: string };
  if (!key) return undefined;
  return [...[...modifiers].sort(), key].join("+");
}

/**
 * Raycast shows one action panel at a time: two of its actions with one shortcut means one of them can never be
 * reached by keyboard. Every rendered panel is checked, so any view test fails on such a clash.
 */
function ActionPanel(props: Props) {
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const panel = ref.current;
    if (!panel || panel.parentElement?.closest("[role='menu']")) return; // a section's own check is its panel's
    const seen = new Map<string, string>();
    for (const item of Array.from(panel.querySelectorAll("[data-shortcut]"))) {
      const shortcut = item.getAttribute("data-shortcut")!;
      const other = seen.get(shortcut);
      if (other !== undefined) {
        throw new Error(`"${other}" and "${item.textContent}" share the shortcut ${shortcut} on one screen.`);
      }
      seen.set(shortcut, item.textContent ?? "");
    }
  });
  return (
    <div role="menu" aria-label={text(props.title) ?? "Actions"} ref={ref}>
      {props.children}
    </div>
  );
}
function ActionPanelSection(props: Props) {
  return <div aria-label={text(props.title)}>{props.children}</div>;
}
ActionPanel.Section = ActionPanelSection;
ActionPanel.Submenu = ActionPanelSection;
export { ActionPanel };

function ActionButton({
  title,
  run,
  shortcut,
}: {
  title: string;
  run: (button: HTMLButtonElement) => unknown;
  shortcut?: unknown;
}) {
  return (
    <button
      type="button"
      role="menuitem"
      data-shortcut={shortcutText(shortcut)}
      onClick={(event) => void run(event.currentTarget)}
    >
      {title}
    </button>
  );
}
function Action(props: Props) {
  return (
    <ActionButton
      shortcut={props.shortcut}
      title={text(props.title) ?? ""}
      run={() => (props.onAction as () => unknown)?.()}
    />
  );
}
Action.CopyToClipboard = function CopyToClipboard(props: Props) {
  return (
    <ActionButton
      shortcut={props.shortcut}
      title={text(props.title) ?? "Copy to Clipboard"}
      run={async () => {
        await Clipboard.copy(String(props.content));
        (props.onCopy as ((content: unknown) => void) | undefined)?.(props.content);
      }}
    />
  );
};
Action.Paste = function Paste(props: Props) {
  return (
    <ActionButton
      shortcut={props.shortcut}
      title={text(props.title) ?? "Paste in Active App"}
      run={async () => {
        await Clipboard.paste(String(props.content));
        (props.onPaste as ((content: unknown) => void) | undefined)?.(props.content);
      }}
    />
  );
};
Action.Push = function Push(props: Props) {
  const navigation = useNavigation();
  return (
    <ActionButton
      shortcut={props.shortcut}
      title={text(props.title) ?? ""}
      run={() => {
        navigation.push(props.target as ReactElement);
        (props.onPush as (() => void) | undefined)?.();
      }}
    />
  );
};
Action.SubmitForm = function SubmitForm(props: Props) {
  return (
    <ActionButton
      shortcut={props.shortcut}
      title={text(props.title) ?? "Submit"}
      run={(button) => (props.onSubmit as (values: unknown) => unknown)?.(formValues(button.closest("form")))}
    />
  );
};
Action.CreateQuicklink = function CreateQuicklink(props: Props) {
  const quicklink = props.quicklink as { link: string; name?: string };
  return (
    <ActionButton
      shortcut={props.shortcut}
      title={text(props.title) ?? "Create Quicklink"}
      run={() => raycast.quicklinks.push(quicklink)}
    />
  );
};
Action.OpenInBrowser = function OpenInBrowser(props: Props) {
  return (
    <ActionButton
      shortcut={props.shortcut}
      title={text(props.title) ?? "Open in Browser"}
      run={() => open(String(props.url))}
    />
  );
};
Action.Open = function OpenAction(props: Props) {
  return (
    <ActionButton
      shortcut={props.shortcut}
      title={text(props.title) ?? "Open"}
      run={() => open(String(props.target))}
    />
  );
};
Action.ShowInFinder = function ShowInFinder(props: Props) {
  return (
    <ActionButton
      shortcut={props.shortcut}
      title={text(props.title) ?? "Show in Finder"}
      run={() => showInFinder(String(props.path))}
    />
  );
};
Action.Style = { Regular: "regular", Destructive: "destructive" };
export { Action };

function MenuBarExtra(props: Props) {
  return (
    <nav data-view="MenuBarExtra" aria-busy={Boolean(props.isLoading)} title={text(props.title) ?? text(props.tooltip)}>
      {props.children}
    </nav>
  );
}
MenuBarExtra.Item = function MenuBarItem(props: Props) {
  const onAction = props.onAction as (() => unknown) | undefined;
  return onAction ? (
    <ActionButton shortcut={props.shortcut} title={text(props.title) ?? ""} run={() => onAction()} />
  ) : (
    <p>
      {text(props.title)}
      {text(props.subtitle) && ` ${text(props.subtitle)}`}
    </p>
  );
};
MenuBarExtra.Section = function MenuBarSection(props: Props) {
  return <div aria-label={text(props.title)}>{props.children}</div>;
};
MenuBarExtra.Separator = Nothing;
MenuBarExtra.Submenu = MenuBarExtra.Section;
export { MenuBarExtra };
