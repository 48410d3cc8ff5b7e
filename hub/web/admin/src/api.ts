// The hub's REST API as the admin page uses it, typed by the types that
// openapi-typescript generates from spec/rest-api.yml (make admin-page).
import type { components, paths } from "../generated/api";

type Schemas = components["schemas"];
export type User = Schemas["User"];
export type Server = Schemas["Server"];
export type Group = Schemas["Group"];
export type Share = Schemas["Share"];
export type ServerCounts = Schemas["ServerCounts"];
export type HubError = Schemas["Error"];
type Json<T> = T extends { content: { "application/json": infer B } } ? B : never;
type Paged<T> = T extends { content: { "application/jupyterhub-pagination+json": infer B } } ? B : never;
export type UserPage = Paged<paths["/users"]["get"]["responses"]["200"]>;
export type GroupPage = Paged<paths["/groups"]["get"]["responses"]["200"]>;
export type SharePage = Json<paths["/shares/{owner}"]["get"]["responses"]["200"]>;
export type UsersCreate = Schemas["UsersCreateRequest"];
export type UserPatch = Schemas["UserPatchRequest"];
export type ShareRevoke = Schemas["ShareRevokeRequest"];
export type GroupProperties = Schemas["GroupProperties"];
export type UserListQuery = NonNullable<paths["/users"]["get"]["parameters"]["query"]>;

const PAGINATED = "application/jupyterhub-pagination+json";

/** An error answer of the API, with its status and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface Config {
  user: string;
  api: string;
  hub_prefix: string;
  base_url: string;
}

export class Api {
  /** `xsrf` is the page's token: the API wants it with every cookie-authenticated change. */
  constructor(
    readonly config: Config,
    private readonly xsrf: string,
  ) {}

  async call<T>(method: string, path: string, body?: unknown, accept = "application/json"): Promise<T> {
    const headers: Record<string, string> = { Accept: accept };
    if (method !== "GET") headers["X-XSRFToken"] = this.xsrf;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(this.config.api + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    if (!response.ok) {
      const error = parsed as Partial<HubError> | null;
      throw new ApiError(response.status, error?.message || response.statusText || `HTTP ${response.status}`);
    }
    return parsed as T;
  }

  users(query: UserListQuery): Promise<UserPage> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== "") params.set(key, String(value));
    }
    return this.call<UserPage>("GET", `/users?${params}`, undefined, PAGINATED);
  }

  user(name: string): Promise<User> {
    return this.call<User>("GET", `/users/${q(name)}?include_stopped_servers=1`);
  }

  serverCounts(): Promise<ServerCounts> {
    return this.call<ServerCounts>("GET", "/server-counts");
  }

  addUsers(body: UsersCreate): Promise<User[]> {
    return this.call<User[]>("POST", "/users", body);
  }

  patchUser(name: string, body: UserPatch): Promise<User> {
    return this.call<User>("PATCH", `/users/${q(name)}`, body);
  }

  deleteUser(name: string): Promise<void> {
    return this.call<void>("DELETE", `/users/${q(name)}`);
  }

  startServer(user: string, server: string): Promise<void> {
    return this.call<void>("POST", serverPath(user, server), {});
  }

  stopServer(user: string, server: string): Promise<void> {
    return this.call<void>("DELETE", serverPath(user, server));
  }

  groups(offset: number, limit: number): Promise<GroupPage> {
    return this.call<GroupPage>("GET", `/groups?offset=${offset}&limit=${limit}`, undefined, PAGINATED);
  }

  addGroup(name: string): Promise<Group> {
    return this.call<Group>("POST", `/groups/${q(name)}`, {});
  }

  deleteGroup(name: string): Promise<void> {
    return this.call<void>("DELETE", `/groups/${q(name)}`);
  }

  addMembers(group: string, users: string[]): Promise<Group> {
    return this.call<Group>("POST", `/groups/${q(group)}/users`, { users });
  }

  removeMembers(group: string, users: string[]): Promise<Group> {
    return this.call<Group>("DELETE", `/groups/${q(group)}/users`, { users });
  }

  setProperties(group: string, properties: GroupProperties): Promise<Group> {
    return this.call<Group>("PUT", `/groups/${q(group)}/properties`, properties);
  }

  shares(owner: string): Promise<SharePage> {
    return this.call<SharePage>("GET", `/shares/${q(owner)}?limit=200`);
  }

  revokeShare(share: Share): Promise<unknown> {
    const body: ShareRevoke = share.user ? { user: share.user.name } : { group: share.group?.name };
    return this.call<unknown>("PATCH", `/shares/${q(share.server.user.name)}/${q(share.server.name)}`, body);
  }
}

function q(name: string): string {
  return encodeURIComponent(name);
}

function serverPath(user: string, server: string): string {
  return server ? `/users/${q(user)}/servers/${q(server)}` : `/users/${q(user)}/server`;
}
