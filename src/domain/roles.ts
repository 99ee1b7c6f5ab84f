/** Role names as ZITADEL's defaults. */
export const IAM_OWNER = "IAM_OWNER";
export const ORG_OWNER = "ORG_OWNER";
