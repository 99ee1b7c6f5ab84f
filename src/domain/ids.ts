/**
 * Sonyflake-style ids, as ZITADEL issues them: unsigned decimal strings of
 * 39 bits of 10 ms ticks since 2019-04-29, 8 bits of sequence and 16 bits of node id.
 * They are roughly time-ordered and unique across processes as long as each running
 * process has its own node id.
 */
const EPOCH_MS = Date.UTC(2019, 3, 29);
const TICK_MS = 10;
const SEQUENCE_BITS = 8n;
const NODE_BITS = 16n;
const MAX_SEQUENCE = (1 << Number(SEQUENCE_BITS)) - 1;
export const MAX_NODE_ID = (1 << Number(NODE_BITS)) - 1;

export interface IdGenerator {
  next(): string;
}

export function createIdGenerator(nodeId: number, now: () => number = Date.now): IdGenerator {
  if (!Number.isInteger(nodeId) || nodeId < 0 || nodeId > MAX_NODE_ID) {
    throw new RangeError(`node id must be an integer from 0 to ${MAX_NODE_ID}, got ${nodeId}`);
  }
  let lastTick = -1;
  let sequence = 0;
  return {
    next() {
      const tick = Math.floor((now() - EPOCH_MS) / TICK_MS);
      if (tick > lastTick) {
        lastTick = tick;
        sequence = 0;
      } else if (sequence < MAX_SEQUENCE) {
        sequence++;
      } else {
        // The tick's 256 ids are used up: borrow the next tick instead of sleeping. Uniqueness holds
        // because lastTick only ever grows; the clock catches up as soon as the burst ends.
        lastTick++;
        sequence = 0;
      }
      const id = (BigInt(lastTick) << (SEQUENCE_BITS + NODE_BITS)) | (BigInt(sequence) << NODE_BITS) | BigInt(nodeId);
      return id.toString();
    },
  };
}
