import * as net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/** How a TCP connect to 127.0.0.1:`port` ends: "connected", or the error's code (ECONNREFUSED when nothing listens). */
export function connectOutcome(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

/**
 * How a connect to `port` ends once its server has closed, tried again while it still connects, for
 * up to `withinMs`. The test workers are threads of one process: a child process that another test
 * starts meanwhile holds a copy of each of the process's sockets from its fork to its exec, the
 * closed server's listening socket too, and until then the kernel still completes connections to it.
 */
export async function connectOnceClosed(port: number, withinMs = 2_000): Promise<string> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const outcome = await connectOutcome(port);
    if (outcome !== "connected" || Date.now() >= deadline) return outcome;
    await sleep(50);
  }
}
