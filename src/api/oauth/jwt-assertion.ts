import { createPublicKey, type KeyObject } from "node:crypto";
import { decodeJwt, decodeProtectedHeader, jwtVerify, type JWTPayload } from "jose";

/** Clock skew tolerated on `exp`, `iat` and `nbf`. */
export const ASSERTION_CLOCK_SKEW_SECONDS = 60;
/** As ZITADEL: an assertion may live at most an hour from its `iat`. */
export const ASSERTION_MAX_LIFETIME_SECONDS = 3600;

export interface VerifiedAssertion {
  /** `iss` = `sub`: the user id (JWT profile grant) or the client id (client authentication). */
  subject: string;
  keyId: string;
  expiresAt: Date;
  jti: string | undefined;
}

/** Why an assertion was refused; said to the client, never with the assertion itself. */
export class AssertionError extends Error {
  override readonly name = "AssertionError";
}

/** The claims an assertion names its signer by, read before its signature is checked. */
export function assertionSigner(assertion: string): { subject: string; keyId: string } {
  let header: ReturnType<typeof decodeProtectedHeader>;
  let payload: JWTPayload;
  try {
    header = decodeProtectedHeader(assertion);
    payload = decodeJwt(assertion);
  } catch {
    throw new AssertionError("assertion is not a JWT");
  }
  if (typeof header.kid !== "string" || header.kid === "") throw new AssertionError("assertion has no kid");
  if (typeof payload.iss !== "string" || payload.iss === "" || payload.iss !== payload.sub) throw new AssertionError("assertion's iss and sub must be the same");
  return { subject: payload.iss, keyId: header.kid };
}

/**
 * Checks an RFC 7523 assertion signed by `publicKeyPem`: RS256, `iss` = `sub` = `subject`, `aud`
 * naming the issuer, `exp` and `iat` present, not expired, not issued in the future and living at
 * most an hour (each with ASSERTION_CLOCK_SKEW_SECONDS of tolerance).
 */
export async function verifyAssertion(assertion: string, signer: { subject: string; keyId: string }, publicKeyPem: string, issuer: string, now: Date): Promise<VerifiedAssertion> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(assertion, publicKey(publicKeyPem), {
      algorithms: ["RS256"],
      issuer: signer.subject,
      subject: signer.subject,
      audience: issuer,
      requiredClaims: ["exp", "iat"],
      clockTolerance: ASSERTION_CLOCK_SKEW_SECONDS,
      currentDate: now,
    }));
  } catch (error) {
    throw new AssertionError(`assertion refused: ${error instanceof Error ? error.message : "invalid"}`);
  }
  const exp = payload.exp!;
  const iat = payload.iat!;
  const nowSeconds = now.getTime() / 1000;
  if (iat > nowSeconds + ASSERTION_CLOCK_SKEW_SECONDS) throw new AssertionError("assertion issued in the future");
  if (exp - iat > ASSERTION_MAX_LIFETIME_SECONDS) throw new AssertionError("assertion lives longer than an hour");
  return { subject: signer.subject, keyId: signer.keyId, expiresAt: new Date(exp * 1000), jti: typeof payload.jti === "string" ? payload.jti : undefined };
}

const keys = new Map<string, KeyObject>();

/** Imported once per key: parsing a PEM costs more than checking a signature. */
function publicKey(pem: string): KeyObject {
  let key = keys.get(pem);
  if (key === undefined) {
    if (keys.size >= 1000) keys.clear();
    key = createPublicKey(pem);
    keys.set(pem, key);
  }
  return key;
}
