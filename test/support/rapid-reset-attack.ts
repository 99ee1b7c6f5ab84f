import { execFile } from "node:child_process";

/** What the rapid-reset client (test/faults/support/rapid-reset-client.ts) did. */
export interface RapidResetStats {
  connections: number;
  /** Streams sent: HEADERS, then RST_STREAM at once. */
  streams: number;
  /** GOAWAY frames received, by error code. */
  goaways: Record<string, number>;
  /** Connections the server closed before sending a byte. */
  refused: number;
}

/**
 * The rapid-reset client as its own process, from `localAddress`, for `seconds`. With `lowPriority`
 * it runs under nice 19: on a machine of two cores it would otherwise take one of them whatever
 * the server does (in production an abuser's CPU is not the server's).
 */
export function rapidResetAttack(port: number, localAddress: string, seconds: number, options: { lowPriority?: boolean } = {}): Promise<RapidResetStats> {
  const node = [process.execPath, "--import", "tsx", "test/faults/support/rapid-reset-client.ts", String(port), localAddress, String(seconds)];
  const [command, ...args] = options.lowPriority ? ["nice", "-n", "19", ...node] : node;
  return new Promise((resolve, reject) => {
    execFile(command!, args, (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout) as RapidResetStats)));
  });
}
