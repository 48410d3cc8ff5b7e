// The admin page: users and their servers, groups, shares, and an overview,
// all through the hub's REST API (see api.ts).
import { Api, ApiError, type Group, type Server, type Share, type User, type UserListQuery } from "./api";
import { ago, h, replace } from "./dom";

const PAGE_SIZE = 50;
const POLL_MS = 1000;
const BULK_PARALLEL = 4;

function readJson<T>(id: string): T {
  return JSON.parse(document.getElementById(id)?.textContent ?? "null") as T;
}

const api = new Api(readJson("admin-config"), readJson<string>("admin-xsrf"));

const state = {
  offset: 0,
  filter: "",
  sort: "name",
  total: 0,
  users: [] as User[],
  selected: new Set<string>(),
  groupOffset: 0,
  groupTotal: 0,
  groups: [] as Group[],
};

// --- the page's fixed parts ---------------------------------------------------------

const alertBox = h("p", { id: "admin-error", class: "error", role: "alert" });
const statusBox = h("p", { id: "admin-status", class: "status", role: "status" });
const overview = h("dl", { id: "overview", class: "overview", "aria-label": "Overview" });
const usersBody = h("tbody", { id: "users-body" });
const pageInfo = h("span", { id: "page-info", "aria-live": "polite" });
const prevButton = h("button", { id: "prev-page", type: "button", onclick: () => turn(-1) }, "Previous");
const nextButton = h("button", { id: "next-page", type: "button", onclick: () => turn(1) }, "Next");
const selectAll = h("input", {
  id: "select-all",
  type: "checkbox",
  "aria-label": "Select all users on this page",
  onchange: () => {
    for (const user of state.users) {
      if (selectAll.checked) state.selected.add(user.name);
      else state.selected.delete(user.name);
    }
    renderUsers();
  },
});
const selectedInfo = h("span", { id: "selected-count" }, "No user selected");
const bulkProgress = h("progress", { id: "bulk-progress", max: 1, value: 0, hidden: true });
const bulkStatus = h("p", { id: "bulk-status", role: "status" });
const groupsBody = h("tbody", { id: "groups-body" });
const groupInfo = h("span", { id: "group-page-info" });
const turnGroups = (by: number) => {
  state.groupOffset = Math.max(0, state.groupOffset + by * PAGE_SIZE);
  void refresh();
};
const groupPrev = h("button", { type: "button", onclick: () => turnGroups(-1) }, "Previous groups");
const groupNext = h("button", { type: "button", onclick: () => turnGroups(1) }, "Next groups");
const dialog = h("dialog", { id: "admin-dialog" });

function say(message: string): void {
  alertBox.textContent = "";
  statusBox.textContent = message;
}

function fail(error: unknown): void {
  statusBox.textContent = "";
  alertBox.textContent =
    error instanceof ApiError ? `${error.message} (${error.status})` : `Something went wrong: ${String(error)}`;
}

/** Run an action of the page: its failure is shown, then the page is brought up to date. */
async function act(what: () => Promise<unknown>, done?: string): Promise<boolean> {
  try {
    await what();
    if (done) say(done);
    return true;
  } catch (error) {
    fail(error);
    return false;
  } finally {
    await refresh();
  }
}

// --- overview -------------------------------------------------------------------------

async function loadOverview(): Promise<void> {
  const [everyone, counts] = await Promise.all([
    state.filter ? api.users({ limit: 1 }) : null,
    api.serverCounts(),
  ]);
  const users = everyone ? everyone._pagination.total : state.total;
  const item = (id: string, label: string, value: number, warn = false) =>
    h(
      "div",
      { class: warn && value > 0 ? "figure warn" : "figure" },
      h("dt", {}, label),
      h("dd", { id }, value.toLocaleString()),
    );
  replace(
    overview,
    item("overview-users", "Users", users),
    item("overview-active", "Active servers", counts.active),
    item("overview-starting", "Servers starting", counts.starting),
    item("overview-failed", "Failed starts (last hour)", counts.failed_last_hour, true),
  );
}

// --- users ----------------------------------------------------------------------------

async function loadUsers(): Promise<void> {
  const page = await api.users({
    offset: state.offset,
    limit: PAGE_SIZE,
    name_filter: state.filter || undefined,
    sort: state.sort as UserListQuery["sort"],
    include_stopped_servers: "1",
  });
  if (page.items.length === 0 && state.offset > 0 && page._pagination.total > 0) {
    // past the end (users were deleted): the last page
    state.offset = Math.floor((page._pagination.total - 1) / PAGE_SIZE) * PAGE_SIZE;
    return loadUsers();
  }
  state.users = page.items;
  state.total = page._pagination.total;
  renderUsers();
}

function turn(by: number): void {
  state.offset = Math.max(0, state.offset + by * PAGE_SIZE);
  void refresh();
}

function serversOf(user: User): Server[] {
  const servers = Object.values(user.servers ?? {});
  if (!servers.some((s) => s.name === "")) {
    // never started: offer to start it all the same
    servers.unshift({
      name: "",
      ready: false,
      pending: null,
      stopped: true,
      url: `${api.config.base_url}user/${encodeURIComponent(user.name)}/`,
      progress_url: "",
      started: null,
      last_activity: null,
    });
  }
  return servers.sort((a, b) => a.name.localeCompare(b.name));
}

function serverState(server: Server): string {
  if (server.pending === "spawn") return "starting";
  if (server.pending === "stop") return "stopping";
  if (server.pending) return server.pending;
  return server.ready ? "running" : "stopped";
}

function serverItem(user: User, server: Server): HTMLElement {
  const label = server.name || "default";
  const key = `${user.name}/${server.name}`;
  const status = serverState(server);
  const start = () =>
    act(() => api.startServer(user.name, server.name), `Start requested: ${user.name}'s ${label} server`);
  const stop = () =>
    act(() => api.stopServer(user.name, server.name), `Stop requested: ${user.name}'s ${label} server`);
  return h(
    "li",
    { class: "server", "data-server": server.name },
    h("span", { class: "server-name" }, label),
    " ",
    h("span", { class: `badge ${status}`, "data-role": "server-status" }, status),
    " ",
    server.stopped
      ? h(
          "button",
          { type: "button", "data-key": `power:${key}`, "data-action": "start", onclick: start },
          "Start",
          h("span", { class: "sr-only" }, ` ${label} server of ${user.name}`),
        )
      : h(
          "button",
          { type: "button", "data-key": `power:${key}`, "data-action": "stop", onclick: stop },
          "Stop",
          h("span", { class: "sr-only" }, ` ${label} server of ${user.name}`),
        ),
    server.ready
      ? h(
          "a",
          { href: server.url, target: "_blank", rel: "noopener", "data-action": "open", "data-key": `open:${key}` },
          "Open",
          h("span", { class: "sr-only" }, ` ${label} server of ${user.name}`),
        )
      : null,
    server.last_error
      ? h(
          "p",
          { class: "last-error", "data-role": "last-error", title: server.last_error.at },
          `Last start failed (${ago(server.last_error.at)}): ${server.last_error.message}`,
        )
      : null,
  );
}

function userRow(user: User): HTMLTableRowElement {
  const checkbox = h("input", {
    type: "checkbox",
    "data-key": `select:${user.name}`,
    "aria-label": `Select ${user.name}`,
    checked: state.selected.has(user.name),
    onchange: () => {
      if (checkbox.checked) state.selected.add(user.name);
      else state.selected.delete(user.name);
      renderSelection();
    },
  });
  return h(
    "tr",
    { "data-user": user.name },
    h("td", {}, checkbox),
    h(
      "th",
      { scope: "row", class: "user-name" },
      user.name,
      user.admin ? h("span", { class: "badge admin", "data-role": "admin" }, "admin") : null,
    ),
    h("td", {}, h("ul", { class: "servers" }, serversOf(user).map((s) => serverItem(user, s)))),
    h("td", { class: "muted" }, ago(user.last_activity)),
    h(
      "td",
      { class: "actions" },
      h(
        "button",
        { type: "button", "data-key": `edit:${user.name}`, "data-action": "edit", onclick: () => editUser(user) },
        "Edit",
        h("span", { class: "sr-only" }, ` ${user.name}`),
      ),
      h(
        "button",
        {
          type: "button",
          "data-key": `shares:${user.name}`,
          "data-action": "shares",
          onclick: () => showShares(user),
        },
        "Shares",
        h("span", { class: "sr-only" }, ` of ${user.name}`),
      ),
      h(
        "button",
        {
          type: "button",
          class: "danger",
          "data-key": `delete:${user.name}`,
          "data-action": "delete",
          onclick: () => deleteUsers([user.name]),
        },
        "Delete",
        h("span", { class: "sr-only" }, ` ${user.name}`),
      ),
    ),
  );
}

function renderUsers(): void {
  if (state.users.length === 0) {
    replace(
      usersBody,
      h("tr", {}, h("td", { colspan: 5, class: "muted" }, state.filter ? "No user matches." : "No users yet.")),
    );
  } else {
    replace(usersBody, state.users.map(userRow));
  }
  const first = state.total === 0 ? 0 : state.offset + 1;
  const last = Math.min(state.offset + state.users.length, state.total);
  pageInfo.textContent = `${first.toLocaleString()}–${last.toLocaleString()} of ${state.total.toLocaleString()}`;
  prevButton.disabled = state.offset === 0;
  nextButton.disabled = state.offset + PAGE_SIZE >= state.total;
  renderSelection();
}

function renderSelection(): void {
  const count = state.selected.size;
  selectedInfo.textContent = count === 0 ? "No user selected" : `${count} selected`;
  for (const button of document.querySelectorAll<HTMLButtonElement>("[data-bulk]")) button.disabled = count === 0;
  selectAll.checked = state.users.length > 0 && state.users.every((u) => state.selected.has(u.name));
}

function addUsersForm(): HTMLFormElement {
  const names = h("textarea", { id: "new-users", rows: 2, placeholder: "alice bob carol" });
  const admin = h("input", { id: "new-users-admin", type: "checkbox" });
  const form = h(
    "form",
    {
      id: "add-users",
      class: "add",
      onsubmit: async (event: Event) => {
        event.preventDefault();
        const usernames = names.value.split(/[\s,]+/).filter(Boolean);
        if (usernames.length === 0) {
          fail("type one name or more");
          names.focus();
          return;
        }
        const added = await act(
          () => api.addUsers({ usernames, admin: admin.checked }),
          `Added ${usernames.join(", ")}`,
        );
        if (added) {
          names.value = "";
          admin.checked = false;
        }
      },
    },
    h("label", { for: "new-users" }, "New users (names separated by spaces, commas or lines)"),
    names,
    h("div", { class: "row" }, h("label", { class: "check" }, admin, " Administrators"), h("button", { type: "submit" }, "Add users")),
  );
  return form;
}

// --- dialogs --------------------------------------------------------------------------

/** Show a modal dialog; resolves with the value of the button that closed it ("" for Escape). */
function ask(title: string, body: Node[], confirm: string, danger = false): Promise<string> {
  replace(
    dialog,
    h(
      "form",
      { method: "dialog" },
      h("h2", {}, title),
      body,
      h(
        "div",
        { class: "row end" },
        h("button", { value: "", type: "submit", formnovalidate: true }, "Cancel"),
        h("button", { id: "dialog-confirm", value: "ok", type: "submit", class: danger ? "danger" : "primary" }, confirm),
      ),
    ),
  );
  dialog.returnValue = "";
  // back to the element that opened it, or to its successor if the page was redrawn meanwhile
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const key = opener?.dataset.key;
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener(
      "close",
      () => {
        const again = key ? document.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`) : null;
        (again ?? opener)?.focus();
        resolve(dialog.returnValue);
      },
      { once: true },
    );
  });
}

async function editUser(user: User): Promise<void> {
  const name = h("input", { id: "edit-name", type: "text", value: user.name, required: true });
  const admin = h("input", { id: "edit-admin", type: "checkbox", checked: Boolean(user.admin) });
  const answer = await ask(
    `Edit ${user.name}`,
    [h("label", { for: "edit-name" }, "Name"), name, h("label", { class: "check" }, admin, " Administrator")],
    "Save",
  );
  if (answer !== "ok") return;
  const changes: { name?: string; admin?: boolean } = {};
  const newName = name.value.trim();
  if (newName && newName !== user.name) changes.name = newName;
  if (admin.checked !== Boolean(user.admin)) changes.admin = admin.checked;
  if (Object.keys(changes).length === 0) return;
  await act(async () => {
    await api.patchUser(user.name, changes);
    if (changes.name && state.selected.delete(user.name)) state.selected.add(changes.name);
  }, `Saved ${changes.name ?? user.name}`);
}

async function showShares(user: User): Promise<void> {
  let shares: Share[];
  try {
    shares = (await api.shares(user.name)).items;
  } catch (error) {
    fail(error);
    return;
  }
  const list = h("ul", { id: "shares-list", class: "plain" });
  const fill = (items: Share[]) =>
    replace(
      list,
      items.length === 0
        ? h("li", { class: "muted" }, `No one has access to ${user.name}'s servers.`)
        : items.map((share) =>
            h(
              "li",
              {},
              h("strong", {}, share.kind === "user" ? share.user?.name : `group ${share.group?.name}`),
              ` on ${share.server.name || "default"} server: ${share.scopes.join(", ")} `,
              h(
                "button",
                {
                  type: "button",
                  class: "danger",
                  onclick: async () => {
                    try {
                      await api.revokeShare(share);
                      shares = shares.filter((s) => s !== share);
                      fill(shares);
                    } catch (error) {
                      fail(error);
                    }
                  },
                },
                "Revoke",
              ),
            ),
          ),
    );
  fill(shares);
  await ask(`Shares of ${user.name}'s servers`, [list], "Done");
}

// --- actions on many users ------------------------------------------------------------

async function bulk(label: string, names: string[], each: (name: string) => Promise<unknown>): Promise<void> {
  const buttons = document.querySelectorAll<HTMLButtonElement>("[data-bulk]");
  buttons.forEach((b) => (b.disabled = true));
  bulkProgress.hidden = false;
  bulkProgress.max = names.length;
  bulkProgress.value = 0;
  let done = 0;
  const failures: string[] = [];
  const show = () => {
    bulkProgress.value = done;
    const failed = failures.length ? `, ${failures.length} failed: ${failures.join("; ")}` : "";
    bulkStatus.textContent = `${label}: ${done} of ${names.length} done${failed}`;
  };
  show();
  const queue = [...names];
  const worker = async () => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      try {
        await each(name);
      } catch (error) {
        failures.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      }
      done += 1;
      show();
    }
  };
  await Promise.all(Array.from({ length: Math.min(BULK_PARALLEL, names.length) }, worker));
  await refresh();
}

/** Stop every server of a user that is running or starting. */
async function stopAll(name: string): Promise<void> {
  const user = await api.user(name);
  const active = Object.values(user.servers ?? {}).filter((s) => !s.stopped && s.pending !== "stop");
  await Promise.all(active.map((s) => api.stopServer(name, s.name)));
}

function selectedNames(): string[] {
  return [...state.selected].sort();
}

async function deleteUsers(names: string[]): Promise<void> {
  const shown = names.length > 5 ? `${names.slice(0, 5).join(", ")} and ${names.length - 5} more` : names.join(", ");
  const answer = await ask(
    names.length === 1 ? `Delete ${names[0]}?` : `Delete ${names.length} users?`,
    [h("p", {}, `${shown}: their servers are stopped, their tokens and memberships deleted.`)],
    "Delete",
    true,
  );
  if (answer !== "ok") return;
  if (names.length === 1) {
    await act(() => api.deleteUser(names[0]), `Deleted ${names[0]}`);
  } else {
    await bulk("Deleting users", names, (name) => api.deleteUser(name));
  }
  names.forEach((n) => state.selected.delete(n));
  renderSelection();
}

function bulkBar(): HTMLElement {
  const button = (id: string, text: string, run: () => void, danger = false) =>
    h("button", { id, type: "button", "data-bulk": "", class: danger ? "danger" : undefined, onclick: run, disabled: true }, text);
  return h(
    "div",
    { class: "bulk", role: "group", "aria-label": "Actions on the selected users" },
    selectedInfo,
    button("bulk-start", "Start default servers", () =>
      bulk("Starting servers", selectedNames(), (name) => api.startServer(name, "")),
    ),
    button("bulk-stop", "Stop all their servers", () => bulk("Stopping servers", selectedNames(), stopAll)),
    button("bulk-delete", "Delete users", () => deleteUsers(selectedNames()), true),
    h(
      "button",
      {
        type: "button",
        id: "clear-selection",
        "data-bulk": "",
        disabled: true,
        onclick: () => {
          state.selected.clear();
          renderUsers();
        },
      },
      "Clear selection",
    ),
    bulkProgress,
  );
}

// --- groups ---------------------------------------------------------------------------

let groupsShown = "";

async function loadGroups(): Promise<void> {
  const page = await api.groups(state.groupOffset, PAGE_SIZE);
  const shown = JSON.stringify(page);
  // unchanged: keep the rows as they are (and what is being typed in them)
  if (shown === groupsShown) return;
  groupsShown = shown;
  state.groups = page.items;
  state.groupTotal = page._pagination.total;
  if (state.groups.length === 0) {
    replace(groupsBody, h("tr", {}, h("td", { colspan: 4, class: "muted" }, "No groups yet.")));
  } else {
    replace(groupsBody, state.groups.map(groupRow));
  }
  const first = state.groupOffset + 1;
  const last = state.groupOffset + state.groups.length;
  groupInfo.textContent =
    state.groupTotal <= PAGE_SIZE
      ? `${state.groupTotal} ${state.groupTotal === 1 ? "group" : "groups"}`
      : `${first}–${last} of ${state.groupTotal} groups`;
  groupPrev.hidden = groupNext.hidden = state.groupTotal <= PAGE_SIZE;
  groupPrev.disabled = state.groupOffset === 0;
  groupNext.disabled = last >= state.groupTotal;
}

function groupRow(group: Group): HTMLTableRowElement {
  const member = h("input", {
    type: "text",
    "data-key": `member:${group.name}`,
    "aria-label": `Add a member to ${group.name}`,
    placeholder: "user name",
  });
  const members = (group.users ?? []).map((name) =>
    h(
      "li",
      {},
      name,
      " ",
      h(
        "button",
        {
          type: "button",
          class: "small",
          "data-key": `remove:${group.name}/${name}`,
          "aria-label": `Remove ${name} from ${group.name}`,
          onclick: () => act(() => api.removeMembers(group.name, [name]), `Removed ${name} from ${group.name}`),
        },
        "×",
      ),
    ),
  );
  return h(
    "tr",
    { "data-group": group.name },
    h("th", { scope: "row" }, group.name),
    h(
      "td",
      {},
      h("ul", { class: "members" }, members),
      h(
        "form",
        {
          class: "inline-add",
          onsubmit: (event: Event) => {
            event.preventDefault();
            const names = member.value.split(/[\s,]+/).filter(Boolean);
            if (names.length) void act(() => api.addMembers(group.name, names), `Added to ${group.name}`);
          },
        },
        member,
        h("button", { type: "submit", "data-key": `add-member:${group.name}` }, "Add"),
      ),
    ),
    h("td", {}, h("pre", { class: "properties" }, JSON.stringify(group.properties ?? {}, null, 1))),
    h(
      "td",
      { class: "actions" },
      h(
        "button",
        { type: "button", "data-key": `props:${group.name}`, onclick: () => editProperties(group) },
        "Properties",
        h("span", { class: "sr-only" }, ` of ${group.name}`),
      ),
      h(
        "button",
        {
          type: "button",
          class: "danger",
          "data-key": `delete-group:${group.name}`,
          onclick: async () => {
            const answer = await ask(`Delete group ${group.name}?`, [h("p", {}, "Its members stay.")], "Delete", true);
            if (answer === "ok") await act(() => api.deleteGroup(group.name), `Deleted group ${group.name}`);
          },
        },
        "Delete",
        h("span", { class: "sr-only" }, ` group ${group.name}`),
      ),
    ),
  );
}

async function editProperties(group: Group): Promise<void> {
  const text = h("textarea", { id: "group-properties", rows: 8 });
  text.value = JSON.stringify(group.properties ?? {}, null, 2);
  const answer = await ask(
    `Properties of ${group.name}`,
    [h("label", { for: "group-properties" }, "A JSON object"), text],
    "Save",
  );
  if (answer !== "ok") return;
  let value: unknown;
  try {
    value = JSON.parse(text.value);
  } catch {
    fail("the properties are not valid JSON");
    return;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    fail("the properties must be a JSON object");
    return;
  }
  await act(() => api.setProperties(group.name, value as Record<string, unknown>), `Saved ${group.name}`);
}

function addGroupForm(): HTMLFormElement {
  const name = h("input", { id: "new-group", type: "text", required: true });
  return h(
    "form",
    {
      class: "row",
      onsubmit: async (event: Event) => {
        event.preventDefault();
        if (await act(() => api.addGroup(name.value.trim()), `Added group ${name.value.trim()}`)) name.value = "";
      },
    },
    h("label", { for: "new-group" }, "New group"),
    name,
    h("button", { type: "submit" }, "Add group"),
  );
}

// --- keeping up to date ---------------------------------------------------------------

let timer: number | undefined;
let refreshing: Promise<void> | null = null;

/** Load what the page shows; while a server is starting or stopping, again each second. */
function refresh(): Promise<void> {
  if (refreshing) return refreshing;
  window.clearTimeout(timer);
  refreshing = (async () => {
    try {
      await loadUsers();
      await Promise.all([loadOverview(), loadGroups()]);
    } catch (error) {
      fail(error);
    } finally {
      refreshing = null;
    }
    const busy = state.users.some((u) => Object.values(u.servers ?? {}).some((s) => s.pending));
    timer = window.setTimeout(() => void refresh(), busy ? POLL_MS : 10 * POLL_MS);
  })();
  return refreshing;
}

function main(): void {
  const root = document.getElementById("admin");
  if (!root) return;
  let typing: number | undefined;
  const search = h("input", {
    id: "search",
    type: "search",
    placeholder: "part of a name",
    autocomplete: "off",
    oninput: () => {
      window.clearTimeout(typing);
      typing = window.setTimeout(() => {
        state.filter = search.value.trim();
        state.offset = 0;
        void refresh();
      }, 250);
    },
  });
  const sort = h(
    "select",
    {
      id: "sort",
      onchange: () => {
        state.sort = sort.value;
        state.offset = 0;
        void refresh();
      },
    },
    h("option", { value: "name" }, "name"),
    h("option", { value: "-last_activity" }, "latest activity"),
    h("option", { value: "id" }, "oldest first"),
    h("option", { value: "-id" }, "newest first"),
  );
  replace(
    root,
    overview,
    alertBox,
    statusBox,
    h(
      "section",
      { "aria-labelledby": "users-heading" },
      h("h2", { id: "users-heading" }, "Users"),
      addUsersForm(),
      h(
        "div",
        { class: "row toolbar" },
        h("label", { for: "search" }, "Search"),
        search,
        h("label", { for: "sort" }, "Sort by"),
        sort,
      ),
      bulkBar(),
      bulkStatus,
      h(
        "table",
        { id: "users", class: "users" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col" }, selectAll),
            h("th", { scope: "col" }, "Name"),
            h("th", { scope: "col" }, "Servers"),
            h("th", { scope: "col" }, "Last activity"),
            h("th", { scope: "col" }, h("span", { class: "sr-only" }, "Actions")),
          ),
        ),
        usersBody,
      ),
      h("nav", { class: "row pager", "aria-label": "Pages of users" }, prevButton, pageInfo, nextButton),
    ),
    h(
      "section",
      { "aria-labelledby": "groups-heading" },
      h("h2", { id: "groups-heading" }, "Groups"),
      addGroupForm(),
      h(
        "table",
        { id: "groups", class: "groups" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col" }, "Group"),
            h("th", { scope: "col" }, "Members"),
            h("th", { scope: "col" }, "Properties"),
            h("th", { scope: "col" }, h("span", { class: "sr-only" }, "Actions")),
          ),
        ),
        groupsBody,
      ),
      h("div", { class: "row pager" }, groupPrev, h("span", { class: "muted" }, groupInfo), groupNext),
    ),
    dialog,
  );
  delete root.dataset.loading;
  void refresh().then(() => root.setAttribute("data-ready", "true"));
}

main();
