// A small program against the types openapi-typescript generates from the
// spec: if the spec stops generating these types, `make ts-check` fails.
import type { components, paths } from "./generated/api";

type User = components["schemas"]["User"];
type Server = components["schemas"]["Server"];
type UserList = paths["/users"]["get"]["responses"]["200"]["content"]["application/json"];
type UserPage = paths["/users"]["get"]["responses"]["200"]["content"]["application/jupyterhub-pagination+json"];
type NewToken = paths["/users/{name}/tokens"]["post"]["responses"]["201"]["content"]["application/json"];
type HubError = components["schemas"]["Error"];

export function names(users: UserList): string[] {
  return users.map((u: User) => u.name);
}

export function nextUrl(page: UserPage): string | null {
  return page._pagination.next ? page._pagination.next.url : null;
}

export function tokenValue(created: NewToken): string {
  return created.token;
}

export function readyServers(user: User): Server[] {
  return Object.values(user.servers ?? {}).filter((s: Server) => s.ready);
}

export function describe(error: HubError): string {
  return `${error.status}: ${error.message ?? "no message"}`;
}
