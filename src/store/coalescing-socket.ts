import { Socket } from "node:net";

/**
 * A TCP or Unix socket that hands everything written to it in one tick of the event loop to the
 * kernel as one write. pg corks the socket only within one query, so a pipelined command of a
 * dozen statements cost a dozen writev calls; on loopback each one also runs the receiving side's
 * network stack and wakes Postgres. Profiled under AddAPIApp load, those writes were a quarter of
 * keygate's CPU (issue 5). Node's documented batching pattern: cork, and uncork on the next tick.
 */
export class CoalescingSocket extends Socket {
  #uncorkQueued = false;

  override write(chunk: unknown, encodingOrCallback?: unknown, callback?: unknown): boolean {
    if (!this.#uncorkQueued) {
      this.#uncorkQueued = true;
      this.cork();
      process.nextTick(() => {
        this.#uncorkQueued = false;
        this.uncork();
      });
    }
    return super.write(chunk as string, encodingOrCallback as BufferEncoding, callback as (error?: Error | null) => void);
  }

  override connect(...args: unknown[]): this {
    super.connect(...(args as Parameters<Socket["connect"]>));
    // net.Socket#connect pins Socket.prototype.write on the instance (to undo an earlier
    // write-after-FIN guard), which would hide this class's write: let the prototype's show again.
    delete (this as { write?: unknown }).write;
    return this;
  }
}
