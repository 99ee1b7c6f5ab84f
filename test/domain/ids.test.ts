import { describe, expect, test } from "vitest";
import { createIdGenerator, MAX_NODE_ID } from "../../src/domain/ids.js";

const EPOCH_MS = Date.UTC(2019, 3, 29);
const NOW = Date.UTC(2025, 9, 1, 12, 0, 0);
const TICK = BigInt(Math.floor((NOW - EPOCH_MS) / 10));

/** Splits a sonyflake id: 39 bits of 10 ms ticks, 8 bits of sequence, 16 bits of node id. */
function parts(id: string): { tick: bigint; sequence: bigint; node: bigint } {
  const value = BigInt(id);
  return { tick: value >> 24n, sequence: (value >> 16n) & 0xffn, node: value & 0xffffn };
}

function take(generator: { next(): string }, count: number): string[] {
  return Array.from({ length: count }, () => generator.next());
}

function expectStrictlyIncreasing(ids: readonly string[]): void {
  for (let i = 1; i < ids.length; i++) {
    if (!(BigInt(ids[i]!) > BigInt(ids[i - 1]!))) {
      throw new Error(`id #${i} ${ids[i]} is not greater than #${i - 1} ${ids[i - 1]}`);
    }
  }
}

describe("createIdGenerator", () => {
  test("case 1/13: ids are unsigned decimal strings without sign, leading zeros or separators", () => {
    const ids = take(createIdGenerator(7), 1000);
    for (const id of ids) {
      expect(id).toMatch(/^[1-9][0-9]*$/);
      expect(BigInt(id).toString()).toBe(id);
      expect(id).not.toContain("@");
    }
  });

  test("ids at an October 2025 clock have 18 digits, like ZITADEL's", () => {
    const id = createIdGenerator(1, () => NOW).next();
    expect(id).toHaveLength(18);
  });

  test("the high bits are 10 ms ticks since 2019-04-29 and the sequence starts at 0 in each tick", () => {
    let clock = NOW;
    const generator = createIdGenerator(3, () => clock);
    const first = parts(generator.next());
    const second = parts(generator.next());
    clock += 10;
    const nextTick = parts(generator.next());
    expect(first).toEqual({ tick: TICK, sequence: 0n, node: 3n });
    expect(second).toEqual({ tick: TICK, sequence: 1n, node: 3n });
    expect(nextTick).toEqual({ tick: TICK + 1n, sequence: 0n, node: 3n });
  });

  test("ids are strictly increasing within a process on the real clock", () => {
    const ids = take(createIdGenerator(1), 20000);
    expectStrictlyIncreasing(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test("ids stay strictly increasing when the clock goes backwards", () => {
    const clocks = [NOW, NOW + 50, NOW - 1000, NOW - 2000, NOW + 20, NOW + 60];
    let i = 0;
    const generator = createIdGenerator(9, () => clocks[Math.min(i++, clocks.length - 1)]!);
    const ids = take(generator, 300);
    expectStrictlyIncreasing(ids);
  });

  test.each([0, 1, 4242, 0x8001, MAX_NODE_ID])("node id %i is encoded in the low 16 bits", (nodeId) => {
    let clock = NOW;
    const generator = createIdGenerator(nodeId, () => (clock += 3));
    for (const id of take(generator, 600)) {
      expect(BigInt(id) & 0xffffn).toBe(BigInt(nodeId));
    }
  });

  test("two generators with different node ids at the same fake clock never collide", () => {
    const a = createIdGenerator(1, () => NOW);
    const b = createIdGenerator(2, () => NOW);
    const idsA = take(a, 700);
    const idsB = take(b, 700);
    const all = new Set([...idsA, ...idsB]);
    expect(all.size).toBe(1400);
    // Same tick and sequence, told apart only by the node id.
    expect(parts(idsA[0]!)).toEqual({ tick: TICK, sequence: 0n, node: 1n });
    expect(parts(idsB[0]!)).toEqual({ tick: TICK, sequence: 0n, node: 2n });
  });

  test("interleaved calls of two generators on a shared advancing clock never collide", () => {
    let clock = NOW;
    const now = () => clock;
    const a = createIdGenerator(100, now);
    const b = createIdGenerator(101, now);
    const seen = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      seen.add(a.next());
      seen.add(b.next());
      if (i % 7 === 0) clock += 4;
    }
    expect(seen.size).toBe(6000);
  });

  test("the 257th id of a tick borrows the next tick with sequence 0, without duplicates", () => {
    const generator = createIdGenerator(5, () => NOW);
    const ids = take(generator, 256 * 3 + 10);
    expect(new Set(ids).size).toBe(ids.length);
    expectStrictlyIncreasing(ids);
    ids.slice(0, 256).forEach((id, i) => expect(parts(id)).toEqual({ tick: TICK, sequence: BigInt(i), node: 5n }));
    expect(parts(ids[255]!)).toEqual({ tick: TICK, sequence: 255n, node: 5n });
    expect(parts(ids[256]!)).toEqual({ tick: TICK + 1n, sequence: 0n, node: 5n });
    expect(parts(ids[512]!)).toEqual({ tick: TICK + 2n, sequence: 0n, node: 5n });
    expect(parts(ids[768]!)).toEqual({ tick: TICK + 3n, sequence: 0n, node: 5n });
    expect(parts(ids[777]!)).toEqual({ tick: TICK + 3n, sequence: 9n, node: 5n });
  });

  test("after borrowing, a clock that catches up only partly does not reuse borrowed ids", () => {
    let clock = NOW;
    const generator = createIdGenerator(5, () => clock);
    const ids = take(generator, 256 * 2 + 3); // uses ticks T, T+1 and 3 of T+2
    clock = NOW + 10; // the real clock is now at T+1, which was borrowed already
    ids.push(...take(generator, 300));
    clock = NOW + 20; // T+2, also borrowed
    ids.push(...take(generator, 10));
    clock = NOW + 100; // T+10, beyond anything borrowed
    const fresh = generator.next();
    ids.push(fresh);
    expect(new Set(ids).size).toBe(ids.length);
    expectStrictlyIncreasing(ids);
    expect(parts(fresh)).toEqual({ tick: TICK + 10n, sequence: 0n, node: 5n });
  });

  test("two overflowing generators with different node ids at the same fake clock never collide", () => {
    const a = take(createIdGenerator(11, () => NOW), 2000);
    const b = take(createIdGenerator(12, () => NOW), 2000);
    expect(new Set([...a, ...b]).size).toBe(4000);
  });

  test("MAX_NODE_ID is 65535 (16 bits)", () => {
    expect(MAX_NODE_ID).toBe(65535);
  });

  test.each([0, 1, 65535])("node id %p is accepted", (nodeId) => {
    expect(() => createIdGenerator(nodeId)).not.toThrow();
  });

  test.each([-1, 65536, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 32])("node id %p is rejected with a RangeError", (nodeId) => {
    expect(() => createIdGenerator(nodeId)).toThrow(RangeError);
  });
});
