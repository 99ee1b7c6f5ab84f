/**
 * What the store tells an observer (tracing) about its round trips to the database. The store
 * knows nothing of who listens; without a listener it does no extra work per statement.
 */
export interface RoundTripListener {
  /** A round trip begins; undefined when this one is not of interest (no call is being traced). */
  begin(): RoundTripRecord | undefined;
}

export interface RoundTripRecord {
  /** A statement sent in this round trip, in order; its text, never its parameters. */
  statement(sql: string): void;
  /** All its answers are in; `error` is the first statement's failure, if one failed. */
  end(error: unknown): void;
}

/**
 * Groups the statements a connection sends in one tick of the event loop into one round trip:
 * that is what goes out in one write (CoalescingSocket) when a command pipelines its statements
 * (pipeline.ts) or sends one ahead of the next (sendAhead), and each answer arrives before the
 * next tick's statements are sent.
 */
export class RoundTripGrouper {
  private current: { record: RoundTripRecord; answers: Promise<unknown>[] } | undefined;

  constructor(private readonly listener: RoundTripListener) {}

  /** Counts `sql`, whose answer `answer` is, into the current round trip; returns `answer`. */
  sent<T>(sql: string, answer: Promise<T>): Promise<T> {
    if (this.current === undefined) {
      const record = this.listener.begin();
      if (record === undefined) return answer;
      const group = { record, answers: [] as Promise<unknown>[] };
      this.current = group;
      process.nextTick(() => {
        this.current = undefined;
        void Promise.allSettled(group.answers).then((settled) => group.record.end(firstFailure(settled)));
      });
    }
    this.current.record.statement(sql);
    this.current.answers.push(answer);
    return answer;
  }
}

function firstFailure(settled: readonly PromiseSettledResult<unknown>[]): unknown {
  return settled.find((result): result is PromiseRejectedResult => result.status === "rejected")?.reason;
}
