import { Code, ConnectError } from "@connectrpc/connect";

/** keygate manages API apps only; OIDC and SAML configurations are refused as not implemented. */
export const onlyApiApps = (kind: "OIDC" | "SAML") =>
  new ConnectError(`keygate serves API apps only: ${kind} applications are not supported`, Code.Unimplemented);
