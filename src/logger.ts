import pino, { type DestinationStream, type Logger } from "pino";

/**
 * Paths that may hold credentials in anything keygate logs; pino replaces their values.
 * Secrets are never passed to the logger on purpose; this is the net under that rule.
 */
export const REDACTED_PATHS = [
  "authorization",
  "*.authorization",
  "headers.authorization",
  "*.headers.authorization",
  "headers.cookie",
  "*.headers.cookie",
  "secret",
  "*.secret",
  "token",
  "*.token",
  "adminToken",
  "*.adminToken",
  "clientSecret",
  "*.clientSecret",
  "keyDetails",
  "*.keyDetails",
  "privateKey",
  "*.privateKey",
  "hashedSecret",
  "*.hashedSecret",
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, base: { service: "keygate" }, redact: { paths: REDACTED_PATHS, censor: "[redacted]" } }, destination);
}

export type { Logger };
