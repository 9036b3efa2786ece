/**
 * The test double of `@raycast/api` (test/raycast-api-double.tsx), with a few more props kept as data attributes
 * for the pictures: icons, tags, section subtitles and whether a list shows its items' details.
 * Aliased as `@raycast/api` by test/pictures/vitest.config.mts only; `npm test` uses the plain double.
 */
import type { ReactNode } from "react";
import * as double from "../raycast-api-double";

export * from "../raycast-api-double";

type Props = Record<string, unknown> & { children?: ReactNode };

/** `Icon.Stars`, `{ source: Icon.Stars, tintColor }` → "Stars". */
function iconName(icon: unknown): string | undefined {
  if (typeof icon === "string") return icon;
  if (icon && typeof icon === "object" && "source" in icon) return iconName((icon as { source: unknown }).source);
  return undefined;
}

function tintColor(icon: unknown): string | undefined {
  if (icon && typeof icon === "object" && "tintColor" in icon)
    return String((icon as { tintColor: unknown }).tintColor);
  return undefined;
}

function tags(accessories: unknown): string {
  return ((accessories as { tag?: unknown }[] | undefined) ?? [])
    .filter((accessory) => accessory.tag !== undefined)
    .map((accessory) => String(accessory.tag))
    .join("\n");
}

function ListView(props: Props) {
  return (
    <div data-picture="list" data-showing-detail={props.isShowingDetail ? "true" : undefined}>
      <double.List {...props} />
    </div>
  );
}
function ListItem(props: Props) {
  return (
    <div data-picture="item" data-icon={iconName(props.icon)} data-tags={tags(props.accessories) || undefined}>
      <double.List.Item {...props} />
    </div>
  );
}
function ListSection(props: Props) {
  return (
    <div data-picture="section" data-subtitle={props.subtitle === undefined ? undefined : String(props.subtitle)}>
      <double.List.Section {...props} />
    </div>
  );
}
export const List = Object.assign(ListView, double.List, {
  Item: Object.assign(ListItem, { Detail: double.List.Item.Detail }),
  Section: ListSection,
});

function MenuBarView(props: Props) {
  return (
    <div data-picture="menubar" data-icon={iconName(props.icon)} data-tint={tintColor(props.icon)}>
      <double.MenuBarExtra {...props} />
    </div>
  );
}
function MenuBarItem(props: Props) {
  return (
    <div
      data-picture="menu-item"
      data-icon={iconName(props.icon)}
      data-title={props.title === undefined ? undefined : String(props.title)}
      data-subtitle={props.subtitle === undefined ? undefined : String(props.subtitle)}
    >
      <double.MenuBarExtra.Item {...props} />
    </div>
  );
}
export const MenuBarExtra = Object.assign(MenuBarView, double.MenuBarExtra, { Item: MenuBarItem });
