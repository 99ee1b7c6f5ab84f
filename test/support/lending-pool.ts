/**
 * Test databases lent to one test file after another (embedded-engine-pool.ts,
 * postgres-database-pool.ts): a database given back is reset and kept for the next file when it can
 * be brought back to its template's state, else closed for good.
 */

/** A database a pool lends: known by its key, opened through its target, reset between files, closed when it cannot be. */
export interface Lendable<Target> {
  readonly key: string;
  target(): Target;
  /** Brings it back to the template's state; false when it cannot be (it must then be closed). */
  reset(): Promise<boolean>;
  /** Closes and removes it. */
  close(): Promise<void>;
}

export class LendingPool<Target> {
  private readonly idle: Array<Lendable<Target>> = [];
  private readonly lent = new Map<string, Lendable<Target>>();

  constructor(
    private readonly make: () => Promise<Lendable<Target>>,
    /** Idle databases kept; a test file takes one or two at a time. */
    private readonly maxIdle: number,
  ) {}

  /** The target of an idle database, else of a new one. */
  async lend(): Promise<Target> {
    const lendable = this.idle.pop() ?? (await this.make());
    this.lent.set(lendable.key, lendable);
    return lendable.target();
  }

  /** Whether the database `key` is one this pool lent (and has not been given back). */
  lends(key: string): boolean {
    return this.lent.has(key);
  }

  /** Takes back the database `key`: reset, it waits for the next file; else it is closed and removed. */
  async giveBack(key: string): Promise<void> {
    const lendable = this.lent.get(key);
    if (!lendable) return;
    this.lent.delete(key);
    if (this.idle.length < this.maxIdle && (await lendable.reset())) this.idle.push(lendable);
    else await lendable.close();
  }

  /** Closes and removes the idle databases. */
  async close(): Promise<void> {
    await Promise.all(this.idle.splice(0).map((lendable) => lendable.close()));
  }
}
