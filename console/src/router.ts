/*
 * The console's pages live in the URL's fragment (#/…): keygate serves only the
 * console's own files, so a path the server does not know must never be asked
 * for, and a reload or a bookmark still opens the same page.
 */

/** Where the wizard starts: the org (and project) it was opened from, if any. */
export interface WizardStart {
  orgId: string;
  projectId: string;
}

export type Route =
  | { page: "org" }
  | ({ page: "new-app" } & WizardStart)
  | { page: "app"; orgId: string; projectId: string; appId: string };

const segment = (value: string) => encodeURIComponent(value);

export function hrefOf(route: Route): string {
  switch (route.page) {
    case "org":
      return "#/";
    case "new-app": {
      const query = new URLSearchParams();
      if (route.orgId !== "") query.set("org", route.orgId);
      if (route.projectId !== "") query.set("project", route.projectId);
      const text = query.toString();
      return text === "" ? "#/apps/new" : `#/apps/new?${text}`;
    }
    case "app":
      return `#/orgs/${segment(route.orgId)}/projects/${segment(route.projectId)}/apps/${segment(route.appId)}`;
  }
}

/** The route of a fragment; anything unknown is the org page. */
export function parseRoute(hash: string): Route {
  const [path = "", queryText = ""] = hash.replace(/^#/, "").split("?", 2);
  const parts = path.split("/").filter((part) => part !== "").map(decoded);
  if (parts.length === 2 && parts[0] === "apps" && parts[1] === "new") {
    const query = new URLSearchParams(queryText);
    return { page: "new-app", orgId: query.get("org") ?? "", projectId: query.get("project") ?? "" };
  }
  if (parts.length === 6 && parts[0] === "orgs" && parts[2] === "projects" && parts[4] === "apps") {
    return { page: "app", orgId: parts[1], projectId: parts[3], appId: parts[5] };
  }
  return { page: "org" };
}

/** A segment as written; a malformed escape (typed by hand) is kept as it is, not a page error. */
function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

export function navigate(route: Route): void {
  window.location.hash = hrefOf(route);
}

/** Calls `show` with the current route now and after every change of the fragment. */
export function onRoute(show: (route: Route) => void): void {
  window.addEventListener("hashchange", () => show(parseRoute(window.location.hash)));
  show(parseRoute(window.location.hash));
}
