/** An OAuth endpoint's request as the server hands it over: the form's parameters and the Authorization header. */
export interface OAuthRequest {
  /** Form parameters; a parameter sent twice is refused before this (RFC 6749 §3.1). */
  params: ReadonlyMap<string, string>;
  authorization: string | undefined;
}

/** The endpoint's answer: a JSON body (or none, for revocation) with status 200. */
export type OAuthResponse = object | undefined;

export type OAuthEndpointName = "token" | "introspect" | "revoke";
