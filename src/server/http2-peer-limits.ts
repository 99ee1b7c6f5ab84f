import * as http2 from "node:http2";
import type * as net from "node:net";

/*
 * HTTP/2 abuse bounded per peer (by remote address), across all of its connections (issue 12). A
 * client that opens streams and resets them at once, reconnecting after each GOAWAY, made keygate
 * spend a whole core on streams nobody waits for and stalled other callers for seconds: nghttp2's
 * own reset limit ends one connection, and the next one starts from zero. Here a peer has one
 * budget of streams and of streams it reset before their answer; past either it loses its
 * connections (GOAWAY, ENHANCE_YOUR_CALM) and its new connections are refused for a while, before
 * a byte of them is parsed. Honest clients stay far below: a reset is a cancelled call, and the
 * stream budget is above what one keygate process serves.
 */

export interface PeerLimitOptions {
  /** Streams a peer may open per second, sustained; twice as many in a burst. */
  streamsPerSecond: number;
  /** Streams a peer may reset before their answer, per second, sustained; twice as many in a burst. */
  resetsPerSecond: number;
  /** How long a peer over its budget is refused. */
  cooldownMs: number;
}

export const defaultPeerLimits: PeerLimitOptions = { streamsPerSecond: 20_000, resetsPerSecond: 200, cooldownMs: 10_000 };

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

  /** Full again: nothing was taken for as long as refilling takes. */
  idle(now: number): boolean {
    return this.tokens + ((now - this.updated) / 1000) * this.rate >= this.rate * 2;
  }
}

interface Peer {
  streams: Budget;
  resets: Budget;
  sessions: Set<http2.ServerHttp2Session>;
  refusedUntil: number;
}

export interface PeerLimits {
  /** Whether a new connection from the socket's peer is let in. */
  admit(socket: net.Socket): boolean;
  /** Counts the session's streams and resets against its peer's budget. */
  watch(session: http2.ServerHttp2Session): void;
}

export function createPeerLimits(options: PeerLimitOptions = defaultPeerLimits, onRefused: (peer: string) => void = () => {}, now: () => number = Date.now): PeerLimits {
  const peers = new Map<string, Peer>();

  const peerOf = (address: string): Peer => {
    let peer = peers.get(address);
    if (!peer) {
      const t = now();
      peer = { streams: new Budget(options.streamsPerSecond, t), resets: new Budget(options.resetsPerSecond, t), sessions: new Set(), refusedUntil: 0 };
      peers.set(address, peer);
    }
    return peer;
  };

  const forgetIfIdle = (address: string, peer: Peer) => {
    const t = now();
    if (peer.sessions.size === 0 && peer.refusedUntil <= t && peer.streams.idle(t) && peer.resets.idle(t)) peers.delete(address);
  };

  const refuse = (address: string, peer: Peer) => {
    if (peer.refusedUntil > now()) return;
    peer.refusedUntil = now() + options.cooldownMs;
    onRefused(address);
    for (const session of peer.sessions) {
      // GOAWAY with ENHANCE_YOUR_CALM, then the connection goes without waiting for its streams
      // (they were abuse); destroyed on the next turn, or the GOAWAY would not be sent first.
      session.goaway(http2.constants.NGHTTP2_ENHANCE_YOUR_CALM);
      setImmediate(() => session.destroy());
    }
  };

  return {
    admit(socket) {
      const address = socket.remoteAddress;
      if (address === undefined) return true;
      const peer = peers.get(address);
      return peer === undefined || peer.refusedUntil <= now();
    },
    watch(session) {
      const address = session.socket?.remoteAddress;
      if (address === undefined) return;
      const peer = peerOf(address);
      peer.sessions.add(session);
      session.once("close", () => {
        peer.sessions.delete(session);
        forgetIfIdle(address, peer);
      });
      session.on("stream", (stream: http2.ServerHttp2Stream) => {
        if (!peer.streams.take(now())) {
          refuse(address, peer);
          return;
        }
        // A stream that ends in RST_STREAM: the client cancelled it (keygate itself resets only
        // streams it could not answer). Counted on close: "aborted" misses streams answered already.
        stream.once("close", () => {
          if (stream.rstCode !== http2.constants.NGHTTP2_NO_ERROR && !peer.resets.take(now())) refuse(address, peer);
        });
      });
    },
  };
}
