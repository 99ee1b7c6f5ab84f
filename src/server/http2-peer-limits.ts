import * as http2 from "node:http2";
import type * as net from "node:net";

/*
 * HTTP/2 rapid reset (CVE-2023-44487) bounded (issue 12). A client that opens streams and resets
 * them at once, reconnecting whenever its connection ends, made keygate start a call for every
 * stream and stalled other callers for seconds.
 *
 * Limits key on a connection's behaviour, not on its address alone: many honest clients can share
 * one address (behind NAT, or a proxy's pooled connections), and an abuser among them must not take
 * their connections down. So:
 * - Each HTTP/2 connection has its own budget of streams reset before their answer. Spent, that
 *   connection alone is destroyed (ENHANCE_YOUR_CALM) at once, inside the read that spent it: Node
 *   then parses nothing more of what the client sent. Destroying it on the next turn instead let
 *   a read of 64 KiB start a call for each of its 2300 streams. Node parses the bytes the protocol
 *   sniffing read (before the session existed) in one go and announces their streams only after,
 *   too late to stop: those bytes are checked at the hand-off by their frame headers.
 * - Its address is then on probation for a while: its new HTTP/2 connections get a small budget
 *   (an honest client resets few streams and never notices) and are let in at a limited rate, the
 *   rest closed unread at the hand-off, so a reconnect loop costs a few streams a connection.
 *   The address's other connections, open before or behaving since, are never touched, and its
 *   HTTP/1.1 connections are not limited (no streams to reset there).
 * An honest client behind the abuser's address can therefore only see its new HTTP/2 connections
 * refused during the attack; retry policies cover that, and nothing it had open fails.
 */

export interface PeerLimitOptions {
  /** Streams one connection may reset before their answer, per second, sustained; twice as many in a burst. */
  resetsPerSecond: number;
  /** The same for a connection opened while its address is on probation. */
  probationResetsPerSecond: number;
  /** New HTTP/2 connections let in per second from an address on probation; twice as many in a burst. */
  probationConnectionsPerSecond: number;
  /** How long an address stays on probation after one of its connections was closed for abuse. */
  probationMs: number;
}

export const defaultPeerLimits: PeerLimitOptions = { resetsPerSecond: 50, probationResetsPerSecond: 5, probationConnectionsPerSecond: 10, probationMs: 10_000 };

/** A token bucket: `rate` tokens a second, at most `rate * 2` kept. */
class Budget {
  private tokens: number;
  private updated: number;
  constructor(
    private readonly rate: number,
    now: number,
  ) {
    this.tokens = rate * 2;
    this.updated = now;
  }

  /** Takes one token; false when none is left. */
  take(now: number): boolean {
    this.tokens = Math.min(this.rate * 2, this.tokens + ((now - this.updated) / 1000) * this.rate);
    this.updated = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** An address one of whose connections was closed for abuse. */
interface Probation {
  until: number;
  connections: Budget;
}

export interface PeerLimits {
  /**
   * Whether a new HTTP/2 connection is let in: its address is not over its rate on probation, and
   * `firstBytes` (what was read of it already: the preface and any frames after it) do not reset
   * more streams than the connection's budget allows.
   */
  admit(socket: net.Socket, firstBytes: Buffer): boolean;
  /** Gives the session its budget of resets; destroys it once spent. */
  watch(session: http2.ServerHttp2Session): void;
}

/**
 * `onProbation` hears of an address put on probation (not of each connection closed or refused
 * after: during an attack those come by the thousand).
 */
export function createPeerLimits(options: PeerLimitOptions = defaultPeerLimits, onProbation: (address: string) => void = () => {}, now: () => number = Date.now): PeerLimits {
  // Only addresses on probation are kept: honest traffic leaves no state here.
  const probations = new Map<string, Probation>();

  const probationOf = (address: string): Probation | undefined => {
    const probation = probations.get(address);
    if (probation === undefined || probation.until > now()) return probation;
    probations.delete(address);
    return undefined;
  };

  // Expired entries go when their address comes back, or here once many piled up (many addresses).
  const sweep = () => {
    const t = now();
    for (const [address, probation] of probations) if (probation.until <= t) probations.delete(address);
  };

  const strike = (address: string) => {
    const t = now();
    const probation = probationOf(address);
    if (probation === undefined) onProbation(address);
    if (probations.size >= 1024) sweep();
    probations.set(address, { until: t + options.probationMs, connections: probation?.connections ?? new Budget(options.probationConnectionsPerSecond, t) });
  };

  return {
    admit(socket, firstBytes) {
      const address = socket.remoteAddress;
      if (address === undefined) return true;
      const probation = probationOf(address);
      if (probation !== undefined && !probation.connections.take(now())) return false;
      // Node parses bytes read before the session existed all at once, announcing their streams
      // only afterwards (see watch): thousands of calls would start before a reset was counted.
      if (countResets(firstBytes) <= 2 * (probation ? options.probationResetsPerSecond : options.resetsPerSecond)) return true;
      strike(address);
      return false;
    },
    watch(session) {
      const address = session.socket?.remoteAddress;
      if (address === undefined) return;
      const probation = probationOf(address) !== undefined;
      const resets = new Budget(probation ? options.probationResetsPerSecond : options.resetsPerSecond, now());
      const spent = () => {
        strike(address);
        // Streams of this read not yet announced (Node announces each on the next tick) are left
        // unannounced, so no call starts for them; then the session goes at once (see above).
        session.removeAllListeners("stream");
        session.destroy(undefined, http2.constants.NGHTTP2_ENHANCE_YOUR_CALM);
      };
      // First, before the server starts a call for the stream.
      session.prependListener("stream", (stream: http2.ServerHttp2Stream) => {
        // A stream that ends in RST_STREAM: the client cancelled it (keygate itself resets only
        // streams it could not answer). Counted when Node learns of it: "aborted", emitted as
        // the frame is parsed, or "close" for a stream answered already; or here, for a stream
        // reset in the same read as its HEADERS (when a read is parsed before its streams are
        // announced: the bytes the protocol sniffing read first).
        let counted = false;
        const reset = () => {
          if (counted || session.destroyed) return;
          counted = true;
          if (!resets.take(now())) spent();
        };
        if (stream.destroyed) return reset();
        stream.once("aborted", reset);
        stream.once("close", () => stream.rstCode !== http2.constants.NGHTTP2_NO_ERROR && reset());
      });
    },
  };
}

const PREFACE_LENGTH = 24;
const RST_STREAM = 0x3;

/** RST_STREAM frames among the complete frames after the connection preface (frame headers only). */
function countResets(bytes: Buffer): number {
  let count = 0;
  for (let offset = PREFACE_LENGTH; offset + 9 <= bytes.length; offset += 9 + bytes.readUIntBE(offset, 3)) {
    if (bytes[offset + 3] === RST_STREAM) count++;
  }
  return count;
}
