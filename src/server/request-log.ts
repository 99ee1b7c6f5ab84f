import type { Logger } from "pino";
import type { RequestListener, RequestRecord } from "./request-observer.js";

/** Codes that mean keygate (or what it depends on) failed, not the caller. */
const serverFaults = new Set(["internal", "unknown", "unavailable", "data_loss", "deadline_exceeded"]);

/**
 * One line per request. Only the record's fields are logged, never headers or messages, so
 * tokens, secrets and keys cannot reach the log from here. Probes and scrapes log at debug.
 */
export function requestLog(logger: Logger): RequestListener {
  return {
    finished(record: RequestRecord) {
      const level = record.protocol === "http" ? "debug" : serverFaults.has(record.code) ? "warn" : "info";
      logger[level](record, "request");
    },
  };
}
