/**
 * A clock for keygate's runtime `now` (KeygateRuntime): the real time plus an offset that a test moves
 * on, so that a key, a secret or a token expires, or a memory forgets, without sleeping until it does.
 */
export interface TestClock {
  now: () => Date;
  /** Moves the clock `ms` on. */
  advance(ms: number): void;
  /** Back to the real time: a test that moves the clock moves it for itself (call it after each test). */
  reset(): void;
}

export function testClock(): TestClock {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    advance(ms) {
      offset += ms;
    },
    reset() {
      offset = 0;
    },
  };
}
