// A few helpers to build the page's elements without a framework.

export type Child = Node | string | number | null | undefined | false;
type Props = Record<string, unknown>;

/** An element with attributes, properties, listeners (`onclick`: a function) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      element.addEventListener(key.slice(2), value as EventListener);
    } else if (key === "class") {
      element.className = String(value);
    } else if (key in element && typeof value !== "string") {
      (element as unknown as Props)[key] = value;
    } else {
      element.setAttribute(key, value === true ? "" : String(value));
    }
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: (Child | Child[])[]): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replace the children of `parent`, keeping the keyboard focus on the element of the same `data-key`. */
export function replace(parent: Element, ...children: (Child | Child[])[]): void {
  const active = document.activeElement;
  const key = active instanceof HTMLElement && parent.contains(active) ? active.dataset.key : undefined;
  parent.replaceChildren();
  append(parent, children);
  if (key) {
    const again = parent.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`);
    again?.focus();
  }
}

/** "3 minutes ago", or the date for anything older than a week. */
export function ago(iso: string | null | undefined): string {
  if (!iso) return "never";
  const then = new Date(iso);
  const seconds = Math.round((Date.now() - then.getTime()) / 1000);
  if (seconds < 60) return "just now";
  const units: [number, string][] = [
    [60, "minute"],
    [3600, "hour"],
    [86400, "day"],
  ];
  if (seconds >= 7 * 86400) return then.toLocaleDateString();
  let [size, unit] = units[0];
  for (const [s, u] of units) if (seconds >= s) [size, unit] = [s, u];
  const count = Math.floor(seconds / size);
  return `${count} ${unit}${count === 1 ? "" : "s"} ago`;
}
