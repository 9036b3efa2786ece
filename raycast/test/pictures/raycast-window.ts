/**
 * Turns a view rendered by the `@raycast/api` test double into an HTML page drawn like a Raycast window
 * (search bar, list and detail, metadata, action bar) or a menu bar menu, for a headless browser to screenshot.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

type Metadata = { label: string; value: string }[];

interface ListItem {
  title: string;
  subtitle?: string;
  icon?: string;
  tags: string[];
  texts: string[];
  detail?: { markdown: string; metadata: Metadata };
  actions: string[];
}

export type View =
  | { kind: "detail"; title: string; markdown: string; metadata: Metadata; actions: string[]; depth: number }
  | {
      kind: "list";
      title: string;
      searchPlaceholder: string;
      searchText: string;
      showingDetail: boolean;
      sections: { title?: string; subtitle?: string; items: ListItem[] }[];
      empty?: { title: string; description: string };
      actions: string[];
      depth: number;
    }
  | {
      kind: "menu";
      icon?: string;
      tint?: string;
      sections: { title?: string; items: { title: string; subtitle?: string; icon?: string; enabled: boolean }[] }[];
    };

// ---- reading the rendered view ---------------------------------------------------------------------------

function metadataOf(root: Element | null): Metadata {
  if (!root) return [];
  return Array.from(root.querySelectorAll(":scope > dt")).map((dt) => ({
    label: dt.textContent ?? "",
    value: dt.nextElementSibling?.textContent ?? "",
  }));
}

function actionsOf(root: Element, exclude?: Element | null): string[] {
  return Array.from(root.querySelectorAll("[role='menuitem']"))
    .filter((button) => !exclude?.contains(button))
    .map((button) => button.textContent ?? "");
}

/** The view on top of the navigation stack, read back from the DOM the double rendered. */
export function readView(container: Element): View {
  const layers = Array.from(container.querySelectorAll("[data-depth]")).filter(
    (layer) => !layer.hasAttribute("hidden"),
  );
  const top = layers.at(-1);
  if (!top) throw new Error("nothing rendered");
  const depth = Number(top.getAttribute("data-depth"));

  const menu = top.querySelector("[data-picture='menubar']");
  if (menu) {
    const nav = menu.querySelector("nav")!;
    return {
      kind: "menu",
      icon: menu.getAttribute("data-icon") ?? undefined,
      tint: menu.getAttribute("data-tint") ?? undefined,
      sections: Array.from(nav.querySelectorAll(":scope > div")).map((section) => ({
        title: section.getAttribute("aria-label") ?? undefined,
        items: Array.from(section.querySelectorAll("[data-picture='menu-item']")).map((item) => ({
          title: item.getAttribute("data-title") ?? "",
          subtitle: item.getAttribute("data-subtitle") ?? undefined,
          icon: item.getAttribute("data-icon") ?? undefined,
          enabled: item.querySelector("button") !== null,
        })),
      })),
    };
  }

  const detail = top.querySelector("[data-view='Detail']");
  if (detail) {
    return {
      kind: "detail",
      title: detail.getAttribute("title") ?? "",
      markdown: detail.querySelector("[data-testid='markdown']")?.textContent ?? "",
      metadata: metadataOf(detail.querySelector("dl[data-testid='metadata']")),
      actions: actionsOf(detail),
      depth,
    };
  }

  const list = top.querySelector("[data-view='List']");
  if (!list) throw new Error("no Detail, List or MenuBarExtra on screen");
  const search = list.querySelector("input[aria-label='Search']") as HTMLInputElement | null;
  const sections: Extract<View, { kind: "list" }>["sections"] = [];
  for (const wrapper of Array.from(list.querySelectorAll("[data-picture='item']"))) {
    const item = wrapper.querySelector("[role='listitem']")!;
    const itemDetail = item.querySelector(":scope > [data-testid='item-detail']");
    const tags = (wrapper.getAttribute("data-tags") ?? "").split("\n").filter(Boolean);
    const texts = Array.from(item.querySelectorAll(":scope > em"))
      .map((em) => em.textContent ?? "")
      .filter((text) => !tags.includes(text));
    const sectionElement = wrapper.closest("[data-picture='section']");
    const title = sectionElement?.querySelector("[role='group']")?.getAttribute("aria-label") ?? undefined;
    const subtitle = sectionElement?.getAttribute("data-subtitle") ?? undefined;
    let section = sections.at(-1);
    if (!section || section.title !== title) sections.push((section = { title, subtitle, items: [] }));
    section.items.push({
      title: item.getAttribute("aria-label") ?? "",
      subtitle: item.querySelector(":scope > small")?.textContent ?? undefined,
      icon: wrapper.getAttribute("data-icon") ?? undefined,
      tags,
      texts,
      detail: itemDetail
        ? {
            markdown: Array.from(itemDetail.childNodes)
              .filter((node) => node.nodeType === 3)
              .map((node) => node.textContent)
              .join(""),
            metadata: metadataOf(itemDetail.querySelector("dl")),
          }
        : undefined,
      actions: actionsOf(item, itemDetail),
    });
  }
  const empty = list.querySelector("[data-testid='empty-view']");
  const items = sections.flatMap((section) => section.items);
  return {
    kind: "list",
    title: list.getAttribute("title") ?? "",
    searchPlaceholder: search?.placeholder ?? "",
    searchText: search?.value ?? "",
    showingDetail: list.closest("[data-picture='list']")?.getAttribute("data-showing-detail") === "true",
    sections,
    empty:
      items.length === 0 && empty
        ? {
            title: empty.querySelector("h2")?.textContent ?? "",
            description: empty.querySelector("p")?.textContent ?? "",
          }
        : undefined,
    actions: items.length > 0 ? items[0].actions : actionsOf(empty ?? list),
    depth,
  };
}

// ---- markdown --------------------------------------------------------------------------------------------

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function inline(text: string): string {
  const codes: string[] = [];
  const protectedText = text.replace(/`([^`]+)`/g, (_match, code: string) => {
    codes.push(`<code>${escape(code)}</code>`);
    return `\uE000${codes.length - 1}\uE000`;
  });
  return escape(protectedText)
    .replace(/\*\*(.+?)\*\*/g, "<strong>$1</strong>")
    .replace(/~~(.+?)~~/g, "<del>$1</del>")
    .replace(/(^|[^\w*])[*_](?=\S)(.+?)(?<=\S)[*_](?!\w)/g, "$1<em>$2</em>")
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, '<a href="$2">$1</a>')
    .replace(/\uE000(\d+)\uE000/g, (_match, index: string) => codes[Number(index)]);
}

const KEYWORDS =
  /^(?:const|let|var|function|return|if|else|for|while|import|from|export|default|async|await|new|class|def|in|with|as|print|None|True|False|git)$/;

/** A light syntax colouring: comments, strings, numbers, keywords and command-line options. */
function highlight(code: string): string {
  return code.replace(
    /(#[^\n]*|\/\/[^\n]*)|("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|(\b\d+(?:\.\d+)?\b)|(\s--?[a-z][\w-]*)|([A-Za-z_]\w*)|([^#/"'\dA-Za-z_\s]+|\s+|.)/g,
    (match, comment?: string, string?: string, number?: string, option?: string, word?: string) => {
      if (comment) return `<span class="tok-comment">${escape(comment)}</span>`;
      if (string) return `<span class="tok-string">${escape(string)}</span>`;
      if (number) return `<span class="tok-number">${escape(number)}</span>`;
      if (option) return `<span class="tok-option">${escape(option)}</span>`;
      if (word && KEYWORDS.test(word)) return `<span class="tok-keyword">${escape(word)}</span>`;
      return escape(match);
    },
  );
}

/** Markdown as Raycast renders it in a Detail: headings, paragraphs, lists, quotes, rules and fenced code. */
export function markdownToHtml(markdown: string): string {
  const lines = markdown.replace(/\r\n/g, "\n").split("\n");
  const out: string[] = [];
  const isBlockStart = (line: string) =>
    /^(```|#{1,6}\s|>|\s*[-*+]\s|\s*\d+[.)]\s|(-{3,}|\*{3,}|_{3,})\s*$)/.test(line);
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (/^\s*$/.test(line)) {
      i++;
    } else if (line.startsWith("```")) {
      const code: string[] = [];
      for (i++; i < lines.length && !lines[i].startsWith("```"); i++) code.push(lines[i]);
      i++;
      out.push(`<pre><code>${highlight(code.join("\n"))}</code></pre>`);
    } else if (/^#{1,6}\s/.test(line)) {
      const level = /^#+/.exec(line)![0].length;
      out.push(`<h${level}>${inline(line.slice(level).trim())}</h${level}>`);
      i++;
    } else if (/^(-{3,}|\*{3,}|_{3,})\s*$/.test(line)) {
      out.push("<hr>");
      i++;
    } else if (line.startsWith(">")) {
      const quoted: string[] = [];
      for (; i < lines.length && lines[i].startsWith(">"); i++) quoted.push(lines[i].replace(/^>\s?/, ""));
      out.push(`<blockquote>${markdownToHtml(quoted.join("\n"))}</blockquote>`);
    } else if (/^\s*([-*+]|\d+[.)])\s/.test(line)) {
      const ordered = /^\s*\d/.test(line);
      const items: string[] = [];
      for (; i < lines.length && !/^\s*$/.test(lines[i]); i++) {
        if (/^\s*([-*+]|\d+[.)])\s/.test(lines[i])) items.push(lines[i].replace(/^\s*([-*+]|\d+[.)])\s+/, ""));
        else items[items.length - 1] += ` ${lines[i].trim()}`;
      }
      const tag = ordered ? "ol" : "ul";
      out.push(`<${tag}>${items.map((item) => `<li>${inline(item)}</li>`).join("")}</${tag}>`);
    } else {
      const paragraph: string[] = [];
      for (; i < lines.length && !/^\s*$/.test(lines[i]) && (paragraph.length === 0 || !isBlockStart(lines[i])); i++)
        paragraph.push(lines[i].trim());
      out.push(`<p>${inline(paragraph.join(" "))}</p>`);
    }
  }
  return out.join("\n");
}

// ---- icons -------------------------------------------------------------------------------------------------

/** Line icons in a 16×16 box, drawn after Raycast's icons of the same names. */
const ICONS: Record<string, string> = {
  CheckCircle: '<circle cx="8" cy="8" r="6.2"/><path d="M5.2 8.3l2 2 3.8-4.2"/>',
  Wand: '<path d="M2.5 13.5l7.5-7.5M11.5 1.8v3M10 3.3h3M13.6 6.4v2M12.6 7.4h2"/>',
  Minimize: '<path d="M9.2 2.5v4.3h4.3M6.8 13.5V9.2H2.5M9.2 6.8l4.3-4.3M6.8 9.2l-4.3 4.3"/>',
  Maximize: '<path d="M9.8 2.5h3.7v3.7M6.2 13.5H2.5V9.8M13.5 2.5L9 7M2.5 13.5L7 9"/>',
  Building: '<path d="M3 14V2.5h6.5V14M9.5 6.5H13V14M1.5 14h13M5 5h2M5 8h2M5 11h2M11 9h.5M11 11.5h.5"/>',
  Emoji:
    '<circle cx="8" cy="8" r="6.2"/><path d="M5.3 9.6c1.4 1.6 4 1.6 5.4 0"/><circle cx="6" cy="6.5" r=".5"/><circle cx="10" cy="6.5" r=".5"/>',
  Paragraph: '<path d="M2.5 3.5h11M2.5 6.5h11M2.5 9.5h11M2.5 12.5h6.5"/>',
  Code: '<path d="M5.5 4L1.8 8l3.7 4M10.5 4l3.7 4-3.7 4"/>',
  Globe:
    '<circle cx="8" cy="8" r="6.2"/><ellipse cx="8" cy="8" rx="2.7" ry="6.2"/><path d="M1.8 8h12.4M2.8 4.8h10.4M2.8 11.2h10.4"/>',
  Reply: '<path d="M6 3.5L1.8 7.5 6 11.5M1.8 7.5h7.2a4.5 4.5 0 014.5 4.5v.8"/>',
  QuestionMark:
    '<circle cx="8" cy="8" r="6.2"/><path d="M6.2 6.3a1.9 1.9 0 113 1.5c-.8.5-1.2.9-1.2 1.8"/><circle cx="8" cy="11.3" r=".4"/>',
  SpeechBubble: '<path d="M2 3.2h12v7.6H7.2L4.2 13.5v-2.7H2z"/>',
  Clock: '<circle cx="8" cy="8" r="6.2"/><path d="M8 4.5V8l2.6 1.6"/>',
  ExclamationMark: '<path d="M8 2L1.5 13.5h13z"/><path d="M8 6.3v3.4"/><circle cx="8" cy="11.6" r=".4"/>',
  Plug: '<path d="M6 1.8v3M10 1.8v3M4 4.8h8v2.7a4 4 0 01-8 0zM8 11.5v2.7"/>',
  ArrowClockwise: '<path d="M13.2 8a5.2 5.2 0 11-1.6-3.8M13.2 1.8v3.4H9.8"/>',
  Clipboard: '<path d="M5 3H3.5v11h9V3H11"/><path d="M5.5 1.8h5v2.4h-5z"/>',
  Stars:
    '<path d="M6.5 2l1.2 3.3L11 6.5 7.7 7.7 6.5 11 5.3 7.7 2 6.5l3.3-1.2zM12 9.5l.6 1.4 1.4.6-1.4.6-.6 1.4-.6-1.4-1.4-.6 1.4-.6z"/>',
};

function icon(name: string | undefined, className = "icon"): string {
  if (name === "CircleFilled")
    return `<svg class="${className}" viewBox="0 0 16 16"><circle cx="8" cy="8" r="4.5" fill="currentColor" stroke="none"/></svg>`;
  const shape = (name && ICONS[name]) || ICONS.Stars;
  return `<svg class="${className}" viewBox="0 0 16 16">${shape}</svg>`;
}

const EXTENSION_ICON = `data:image/png;base64,${readFileSync(
  join(dirname(fileURLToPath(import.meta.url)), "..", "..", "assets", "extension-icon.png"),
).toString("base64")}`;

// ---- the page ----------------------------------------------------------------------------------------------

const STYLE = `
* { box-sizing: border-box; }
html, body { margin: 0; background: transparent; }
body { font: 14px/1.45 -apple-system, "SF Pro Text", "Liberation Sans", "DejaVu Sans", sans-serif; color: #ececee; -webkit-font-smoothing: antialiased; }
.window { position: relative; width: 750px; height: 475px; border-radius: 12px; overflow: hidden; display: flex; flex-direction: column;
  background: #1f1f21; box-shadow: inset 0 0 0 1px rgba(255,255,255,.12); }
.search { height: 56px; flex: none; display: flex; align-items: center; gap: 12px; padding: 0 16px; border-bottom: 1px solid rgba(255,255,255,.08); }
.search .back { width: 26px; height: 26px; border-radius: 6px; background: rgba(255,255,255,.1); display: grid; place-items: center; color: #c7c7cc; font-size: 15px; }
.search .query { font-size: 17px; color: #ececee; }
.search .placeholder { font-size: 17px; color: rgba(255,255,255,.38); }
.search .caret { display: inline-block; width: 2px; height: 20px; background: #ff6363; vertical-align: -4px; margin-left: 1px; }
.body { flex: 1; display: flex; min-height: 0; }
.list { padding: 6px 8px; overflow: hidden; flex: 1; }
.with-detail .list { flex: 0 0 40%; border-right: 1px solid rgba(255,255,255,.08); }
.section-title { font-size: 12px; font-weight: 600; color: rgba(255,255,255,.5); padding: 8px 8px 4px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.section-title span { font-weight: 400; margin-left: 6px; color: rgba(255,255,255,.38); }
.item { height: 40px; display: flex; align-items: center; gap: 10px; padding: 0 10px; border-radius: 8px; white-space: nowrap; }
.item.selected { background: rgba(255,255,255,.1); }
.item .title { overflow: hidden; text-overflow: ellipsis; }
.item .subtitle { color: rgba(255,255,255,.45); overflow: hidden; text-overflow: ellipsis; }
.item .accessories { margin-left: auto; display: flex; gap: 8px; align-items: center; flex: none; }
.item .text { color: rgba(255,255,255,.45); font-size: 13px; }
.item .tag { font-size: 12px; color: #9ecbff; background: rgba(88,166,255,.16); border-radius: 5px; padding: 1px 7px; }
.item .tag.warning { color: #ffcc66; background: rgba(255,204,102,.16); }
.icon { width: 18px; height: 18px; flex: none; fill: none; stroke: currentColor; stroke-width: 1.3; stroke-linecap: round; stroke-linejoin: round; color: #d9d9de; }
.detail { flex: 1; display: flex; flex-direction: column; min-width: 0; }
.detail-row { flex: 1; display: flex; min-height: 0; }
.markdown { flex: 1; padding: 14px 22px; overflow: hidden; min-width: 0; }
.markdown p { margin: 0 0 10px; }
.markdown h1, .markdown h2, .markdown h3 { margin: 4px 0 10px; line-height: 1.25; }
.markdown h1 { font-size: 22px; } .markdown h2 { font-size: 18px; } .markdown h3 { font-size: 15px; }
.markdown ul, .markdown ol { margin: 0 0 10px; padding-left: 22px; }
.markdown li { margin: 2px 0; }
.markdown code { font: 12.5px/1.5 "SF Mono", "DejaVu Sans Mono", monospace; background: rgba(255,255,255,.09); border-radius: 4px; padding: 1px 4px; }
.markdown pre { background: rgba(255,255,255,.06); border-radius: 8px; padding: 10px 12px; margin: 0 0 12px; overflow: hidden; }
.markdown pre code { background: none; padding: 0; white-space: pre; }
.markdown blockquote { margin: 0 0 12px; padding: 0 0 0 12px; border-left: 3px solid rgba(255,255,255,.2); color: rgba(255,255,255,.65); }
.markdown blockquote p { margin: 0 0 4px; }
.markdown hr { border: none; border-top: 1px solid rgba(255,255,255,.12); margin: 12px 0; }
.markdown del { color: #ff8a80; background: rgba(255,99,99,.12); }
.markdown strong { font-weight: 700; }
.markdown a { color: #7cb7ff; text-decoration: none; }
.tok-comment { color: #7f848e; } .tok-string { color: #a5d6a7; } .tok-number { color: #f7c67f; }
.tok-keyword { color: #ff8fb1; } .tok-option { color: #8ecbff; }
.metadata { flex: none; padding: 10px 18px; }
.metadata.side { width: 230px; border-left: 1px solid rgba(255,255,255,.08); padding-top: 14px; }
.metadata.bottom { border-top: 1px solid rgba(255,255,255,.08); display: grid; grid-template-columns: auto 1fr; column-gap: 16px; row-gap: 6px; font-size: 13px; }
.metadata.side .label { padding: 6px 0 8px; border-bottom: 1px solid rgba(255,255,255,.07); }
.metadata.side .label:last-child { border-bottom: none; }
.metadata .name { color: rgba(255,255,255,.5); font-size: 12px; }
.metadata.side .value { font-size: 13.5px; }
.metadata.bottom .value { text-align: right; }
.empty { flex: 1; display: flex; flex-direction: column; align-items: center; justify-content: center; color: rgba(255,255,255,.5); }
.empty h2 { color: #ececee; font-size: 16px; margin: 10px 0 4px; }
.actions { height: 40px; flex: none; display: flex; align-items: center; gap: 10px; padding: 0 10px 0 14px; font-size: 13px;
  background: rgba(255,255,255,.035); border-top: 1px solid rgba(255,255,255,.08); }
.actions img { width: 18px; height: 18px; }
.actions .navigation { color: rgba(255,255,255,.6); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.actions .primary, .actions .panel { display: flex; align-items: center; gap: 6px; white-space: nowrap; }
.actions .primary { margin-left: auto; font-weight: 600; }
.actions .panel { color: rgba(255,255,255,.6); }
.actions .divider { width: 1px; height: 16px; background: rgba(255,255,255,.15); }
kbd { font: 12px/1 "SF Pro Text", "DejaVu Sans", sans-serif; min-width: 20px; height: 20px; padding: 0 5px; border-radius: 5px; display: inline-grid; place-items: center;
  background: rgba(255,255,255,.1); color: rgba(255,255,255,.75); }
.menubar { width: 440px; height: 26px; display: flex; align-items: center; justify-content: flex-end; gap: 16px; padding: 0 14px;
  background: rgba(40,40,44,.96); border-radius: 10px 10px 0 0; font-size: 13px; color: #ececee; }
.menubar .mine { padding: 2px 6px; border-radius: 5px; background: rgba(255,255,255,.2); display: flex; }
.menubar .mine .icon { width: 16px; height: 16px; }
.menu { margin: 4px 0 0 140px; width: 300px; padding: 5px; border-radius: 10px; background: #2a2a2d;
  box-shadow: inset 0 0 0 1px rgba(255,255,255,.12); font-size: 13px; }
.menu .menu-section + .menu-section { border-top: 1px solid rgba(255,255,255,.1); margin-top: 5px; padding-top: 5px; }
.menu .menu-title { font-size: 11px; font-weight: 700; color: rgba(255,255,255,.45); padding: 3px 10px; }
.menu .menu-item { display: flex; align-items: center; gap: 8px; padding: 4px 10px; border-radius: 5px; white-space: nowrap; }
.menu .menu-item .icon { width: 15px; height: 15px; }
.menu .menu-item.disabled { color: rgba(255,255,255,.62); }
.menu .menu-item .subtitle { color: rgba(255,255,255,.42); margin-left: auto; padding-left: 14px; }
.menu .menu-item.highlighted { background: #3b6fd8; color: #fff; }
.menu .menu-item.highlighted .subtitle { color: rgba(255,255,255,.8); }
.tint-Green { color: #3fd06b !important; } .tint-Red { color: #ff5f57 !important; } .tint-SecondaryText { color: #8e8e93 !important; }
`;

function page(body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><style>${STYLE}</style></head><body>${body}</body></html>`;
}

function metadataHtml(metadata: Metadata, placement: "side" | "bottom"): string {
  if (metadata.length === 0) return "";
  const labels = metadata.map(({ label, value }) =>
    placement === "side"
      ? `<div class="label"><div class="name">${escape(label)}</div><div class="value">${escape(value)}</div></div>`
      : `<div class="name">${escape(label)}</div><div class="value">${escape(value)}</div>`,
  );
  return `<div class="metadata ${placement}">${labels.join("")}</div>`;
}

function actionBar(navigation: string, actions: string[]): string {
  const [primary] = actions;
  return `<div class="actions"><img src="${EXTENSION_ICON}" alt=""><span class="navigation">${escape(navigation)}</span>
    ${primary ? `<span class="primary">${escape(primary)} <kbd>↵</kbd></span><span class="divider"></span>` : ""}
    <span class="panel${primary ? "" : " primary"}">Actions <kbd>⌘</kbd><kbd>K</kbd></span></div>`;
}

function searchBar(view: Extract<View, { kind: "detail" | "list" }>): string {
  const back = view.depth > 1 || view.kind === "detail" ? `<span class="back">←</span>` : "";
  if (view.kind === "detail") return `<div class="search">${back}</div>`;
  const field = view.searchText
    ? `<span class="query">${escape(view.searchText)}<span class="caret"></span></span>`
    : `<span class="placeholder"><span class="caret"></span>${escape(view.searchPlaceholder)}</span>`;
  return `<div class="search">${back}${field}</div>`;
}

/** The HTML page of a view, and the size to screenshot. */
export function windowPage(
  view: View,
  options: { navigationTitle: string },
): { html: string; width: number; height: number } {
  if (view.kind === "menu") {
    const sections = view.sections.map((section) => {
      const title = section.title ? `<div class="menu-title">${escape(section.title)}</div>` : "";
      const items = section.items.map(
        (item) => `<div class="menu-item${item.enabled ? "" : " disabled"}">${item.icon ? icon(item.icon) : ""}
          <span>${escape(item.title)}</span>${item.subtitle ? `<span class="subtitle">${escape(item.subtitle)}</span>` : ""}</div>`,
      );
      return `<div class="menu-section">${title}${items.join("")}</div>`;
    });
    const bar = `<div class="menubar"><span class="mine">${icon(view.icon, `icon tint-${view.tint ?? ""}`)}</span>
      <span>Wi-Fi</span><span>Tue 9:41</span></div>`;
    return { html: page(`${bar}<div class="menu">${sections.join("")}</div>`), width: 440, height: 300 };
  }

  let body: string;
  if (view.kind === "detail") {
    body = `<div class="detail-row"><div class="markdown">${markdownToHtml(view.markdown)}</div>${metadataHtml(view.metadata, "side")}</div>`;
  } else if (view.empty) {
    body = `<div class="empty">${icon("SpeechBubble")}<h2>${escape(view.empty.title)}</h2><div>${escape(view.empty.description)}</div></div>`;
  } else {
    let first = true;
    const sections = view.sections.map((section) => {
      const title = section.title
        ? `<div class="section-title">${escape(section.title)}${section.subtitle ? `<span>${escape(section.subtitle)}</span>` : ""}</div>`
        : "";
      const items = section.items.map((item) => {
        const accessories = [
          ...item.tags.map(
            (tag) => `<span class="tag${tag === "Interrupted" ? " warning" : ""}">${escape(tag)}</span>`,
          ),
          ...item.texts.map((text) => `<span class="text">${escape(text)}</span>`),
        ];
        const html = `<div class="item${first ? " selected" : ""}">${icon(item.icon)}<span class="title">${escape(item.title)}</span>
          ${item.subtitle ? `<span class="subtitle">${escape(item.subtitle)}</span>` : ""}
          ${view.showingDetail ? "" : `<span class="accessories">${accessories.join("")}</span>`}</div>`;
        first = false;
        return html;
      });
      return title + items.join("");
    });
    const selected = view.sections[0]?.items[0];
    const detail =
      view.showingDetail && selected?.detail
        ? `<div class="detail"><div class="markdown">${markdownToHtml(selected.detail.markdown)}</div>${metadataHtml(selected.detail.metadata, "bottom")}</div>`
        : "";
    body = `<div class="body${detail ? " with-detail" : ""}"><div class="list">${sections.join("")}</div>${detail}</div>`;
  }
  const window = `<div class="window">${searchBar(view)}${body}${actionBar(view.title || options.navigationTitle, view.actions)}</div>`;
  return { html: page(window), width: 750, height: 475 };
}
