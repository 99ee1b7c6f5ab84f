/** RFC 6749 §5.2's error codes (and RFC 7009's), as the OAuth endpoints answer them. */
export type OAuthErrorCode = "invalid_request" | "invalid_client" | "invalid_grant" | "invalid_scope" | "unauthorized_client" | "unsupported_grant_type" | "unsupported_token_type";

/** A refusal of an OAuth request: the server turns it into RFC 6749's JSON body and status. */
export class OAuthError extends Error {
  override readonly name = "OAuthError";

  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
  ) {
    super(`${error}: ${description}`);
  }

  /** 401 for a client that did not authenticate (with WWW-Authenticate), 400 for everything else. */
  get status(): 400 | 401 {
    return this.error === "invalid_client" ? 401 : 400;
  }
}

export const invalidRequest = (description: string) => new OAuthError("invalid_request", description);
export const invalidClient = (description: string) => new OAuthError("invalid_client", description);
export const invalidGrant = (description: string) => new OAuthError("invalid_grant", description);
export const invalidScope = (description: string) => new OAuthError("invalid_scope", description);
export const unauthorizedClient = (description: string) => new OAuthError("unauthorized_client", description);
export const unsupportedGrantType = (description: string) => new OAuthError("unsupported_grant_type", description);
