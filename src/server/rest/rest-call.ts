import { createContextKey } from "@connectrpc/connect";

/** What a transcoded Connect call came from, for interceptors and logs. */
export interface RestCall {
  /** The HTTP method of the REST request, e.g. "GET". */
  httpMethod: string;
  /** The request path, e.g. "/management/v1/projects/1/apps/2". */
  path: string;
  /** The matched template, e.g. "/management/v1/projects/{project_id}/apps/{app_id}". */
  template: string;
}

/**
 * Set in the context values of every call the REST transcoder makes; undefined
 * for calls that arrived as gRPC, gRPC-Web or Connect.
 */
export const restCallKey = createContextKey<RestCall | undefined>(undefined, {
  description: "the REST request this call was transcoded from",
});
