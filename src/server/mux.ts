import * as http from "node:http";
import * as http2 from "node:http2";
import * as net from "node:net";
import * as tls from "node:tls";
import { createPeerLimits, type PeerLimits } from "./http2-peer-limits.js";
import { abandonResponse, type NodeHandler } from "./node-http.js";

/**
 * Every HTTP/2 connection with prior knowledge starts with this preface
 * (RFC 9113 §3.4). An HTTP/1.1 request can never start with it, so the first
 * bytes of a connection decide which server gets the socket.
 */
/** Streams one HTTP/2 connection may have open at once (SETTINGS_MAX_CONCURRENT_STREAMS). */
export const MAX_CONCURRENT_STREAMS = 1000;

const http2Preface = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");

export interface MuxServerOptions {
  /**
   * A connection that has not sent enough bytes to pick a protocol within this
   * time is dropped, so idle sockets cannot pile up before any server owns them.
   * Default 10 s.
   */
  sniffTimeoutMs?: number;
  /** Idle time before an HTTP/1.1 keep-alive connection is closed. Default 5 s (Node's default). */
  keepAliveTimeoutMs?: number;
  /** HTTP/2 settings advertised to clients; maxConcurrentStreams is MAX_CONCURRENT_STREAMS unless given. */
  http2Settings?: http2.Settings;
  /** An HTTP/2 session with no frames in either direction for this long is closed (GOAWAY). Default 2 min; 0 never. */
  http2IdleTimeoutMs?: number;
  /** An HTTP/1.1 request whose headers have not all arrived within this time gets 408. Default 10 s. */
  headersTimeoutMs?: number;
  /** Budgets of streams and resets per peer across its HTTP/2 connections. Default defaultPeerLimits. */
  peerLimits?: PeerLimits;
  /** Grace period of close() when the caller passes none. Default 10 s. */
  closeTimeoutMs?: number;
  /** Errors of the listening socket after listen() resolved, and throws of the handler. Default: console.error. */
  onError?: (error: unknown) => void;
  /**
   * Serve TLS only, with this certificate (chain) and key: ALPN picks HTTP/2 or HTTP/1.1 (a client
   * that offers neither gets HTTP/1.1), instead of sniffing cleartext bytes.
   */
  tls?: TlsFiles;
}

/** A PEM certificate, optionally followed by its chain, and its private key. */
export interface TlsFiles {
  cert: string | Buffer;
  key: string | Buffer;
}

export interface MuxServer {
  /** Start listening; port 0 picks a free port. Resolves with the bound address. */
  listen(port: number, host?: string): Promise<{ port: number; host: string }>;
  /**
   * Stop accepting connections, let in-flight requests finish, close keep-alive
   * connections, and destroy whatever is still open after timeoutMs.
   * Resolves when every connection is gone. Calling it twice returns the same promise.
   */
  close(timeoutMs?: number): Promise<void>;
  /** TLS only: the certificate and key for connections from now on; open ones keep theirs. */
  setTls(files: TlsFiles): void;
}

type ConnectionState = "sniffing" | "http1" | "http2";

/**
 * One port for HTTP/2 (gRPC and everything else) and HTTP/1.1 (gRPC-Web, Connect, REST), handing
 * each connection to an http2 or an http server, both running the same handler. In cleartext a
 * net.Server peeks at the first bytes (HTTP/2 with prior knowledge, h2c); with TLS the protocol
 * negotiated by ALPN decides.
 */
export function createMuxServer(handler: NodeHandler, options: MuxServerOptions = {}): MuxServer {
  const sniffTimeoutMs = options.sniffTimeoutMs ?? 10_000;
  const defaultCloseTimeoutMs = options.closeTimeoutMs ?? 10_000;
  const onError = options.onError ?? ((error: unknown) => console.error("mux server error", error));

  // Every accepted socket, whatever it turned into; close() needs all of them.
  const connections = new Map<net.Socket, ConnectionState>();
  // HTTP/1.1 sockets with responses in flight; the others are idle keep-alives.
  const http1InFlight = new Map<net.Socket, Set<http.ServerResponse>>();
  const sessions = new Set<http2.ServerHttp2Session>();
  let draining = false;
  let closing: Promise<void> | undefined;

  // A throw out of a "request" listener would end the process; it ends only its call.
  const serve: NodeHandler = (req, res) => {
    try {
      handler(req, res);
    } catch (error) {
      onError(error);
      abandonResponse(res);
    }
  };

  // Node checks the headers timeout every connectionsCheckingInterval (default 30 s): once a second
  // instead, or as often as a shorter timeout needs to be kept to.
  const headersTimeout = options.headersTimeoutMs ?? 10_000;
  const h1 = http.createServer({ headersTimeout, connectionsCheckingInterval: Math.min(1_000, headersTimeout) });
  h1.keepAliveTimeout = options.keepAliveTimeoutMs ?? h1.keepAliveTimeout;
  h1.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    const socket = req.socket;
    if (draining) {
      announceClose(res);
    }
    const inFlight = http1InFlight.get(socket) ?? new Set<http.ServerResponse>();
    inFlight.add(res);
    http1InFlight.set(socket, inFlight);
    res.once("close", () => {
      inFlight.delete(res);
      if (inFlight.size > 0) {
        return;
      }
      http1InFlight.delete(socket);
      if (draining) {
        // end(), not destroy(): the response may still sit in the socket's write buffer.
        socket.end();
      }
    });
    serve(req, res);
  });

  // Node advertises no limit of open streams: a client could hold any number of calls waiting for
  // their bodies. Past this one nghttp2 refuses streams without keygate seeing them.
  const h2 = http2.createServer({ settings: { maxConcurrentStreams: MAX_CONCURRENT_STREAMS, ...options.http2Settings } });
  h2.on("request", (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => {
    // A stream reset before keygate began it (in the read that brought it) is nobody's call.
    if (req.stream.destroyed) return;
    guardTrailers(req.stream, onError);
    serve(req, res);
  });
  const http2IdleTimeoutMs = options.http2IdleTimeoutMs ?? 120_000;
  const peerLimits = options.peerLimits ?? createPeerLimits();
  h2.on("session", (session: http2.ServerHttp2Session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
    peerLimits.watch(session);
    // close(), not destroy(): a stream still running (a long Watch) finishes first.
    if (http2IdleTimeoutMs > 0) session.setTimeout(http2IdleTimeoutMs, () => session.close());
    if (draining) {
      session.close();
    }
  });

  /** Tracks a new connection; false when it was dropped: it came too late (draining). */
  function accept(socket: net.Socket, state: ConnectionState): boolean {
    connections.set(socket, state);
    socket.once("close", () => {
      connections.delete(socket);
      http1InFlight.delete(socket);
    });
    // A reset before the hand-off must not crash the process; after it the
    // protocol servers report socket errors themselves.
    socket.on("error", ignore);
    if (draining) socket.destroy();
    return !draining;
  }

  const server = options.tls
    ? tls.createServer({ ...options.tls, ALPNProtocols: ["h2", "http/1.1"], handshakeTimeout: sniffTimeoutMs }, (socket) => {
        const protocol = socket.alpnProtocol === "h2" ? "http2" : "http1";
        if (accept(socket, protocol)) handOff(socket, protocol);
      })
    : net.createServer({ noDelay: true }, (socket) => {
        if (accept(socket, "sniffing")) sniff(socket);
      });
  // A failed handshake concerns that client only (its socket is destroyed by Node).
  server.on("tlsClientError", ignore);

  /** `firstBytes`: what sniffing read (and unshifted); nothing with TLS. */
  function handOff(socket: net.Socket, protocol: "http1" | "http2", firstBytes: Buffer = Buffer.alloc(0)): void {
    connections.set(socket, protocol);
    if (protocol === "http2") {
      // Connections of an address on probation for HTTP/2 abuse are let in at a limited rate, and
      // one whose first bytes already reset too many streams not at all: closed before the
      // session parses a byte of them (see http2-peer-limits.ts).
      if (!peerLimits.admit(socket, firstBytes)) return void socket.destroy();
      // Do NOT resume(): the Http2Session reads the unshifted bytes with
      // socket.read() on the next tick (nodejs/node#35475). Resuming would
      // flush the preface to nobody and clients would see RST_STREAM.
      h2.emit("connection", socket);
    } else {
      h1.emit("connection", socket);
      // The HTTP/1.1 parser listens for "data"; a paused socket would hang.
      socket.resume();
    }
  }

  function sniff(socket: net.Socket): void {
    let buffered: Buffer = Buffer.alloc(0);
    const timer = setTimeout(() => socket.destroy(), sniffTimeoutMs);
    const stop = () => {
      clearTimeout(timer);
      socket.off("data", onData);
      socket.off("end", onEnd);
      socket.off("close", stop);
    };
    const onEnd = () => {
      stop();
      socket.destroy();
    };
    const onData = (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      const protocol = detectProtocol(buffered);
      if (protocol === undefined) {
        return;
      }
      stop();
      socket.pause();
      socket.unshift(buffered);
      handOff(socket, protocol, buffered);
    };
    socket.on("data", onData);
    socket.once("end", onEnd);
    socket.once("close", stop);
  }

  async function drain(timeoutMs: number): Promise<void> {
    draining = true;
    // net.Server.close() calls back only once every accepted socket has closed,
    // which makes it the "everything is gone" signal.
    const allClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Clears the HTTP/1.1 connection-checking interval started in listen().
    h1.close();
    for (const session of sessions) {
      // GOAWAY: no new streams; running streams finish, then the session ends.
      session.close();
    }
    for (const [socket, state] of connections) {
      const inFlight = http1InFlight.get(socket);
      if (state === "sniffing" || (state === "http1" && inFlight === undefined)) {
        socket.destroy();
      }
      inFlight?.forEach(announceClose);
    }
    const deadline = setTimeout(() => {
      for (const session of sessions) {
        session.destroy();
      }
      for (const socket of connections.keys()) {
        socket.destroy();
      }
    }, timeoutMs);
    try {
      await allClosed;
    } finally {
      clearTimeout(deadline);
    }
  }

  return {
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          server.on("error", onError);
          // The http server never listens itself; "listening" is what starts its
          // headersTimeout/requestTimeout checks for the connections we hand it.
          h1.emit("listening");
          const address = server.address() as net.AddressInfo;
          resolve({ port: address.port, host: address.address });
        });
      });
    },
    close(timeoutMs = defaultCloseTimeoutMs) {
      closing ??= drain(timeoutMs);
      return closing;
    },
    setTls(files) {
      if (!(server instanceof tls.Server)) throw new Error("this server was started without TLS");
      server.setSecureContext(files);
    },
  };
}

/**
 * Node sends a response's trailers from an event listener (the stream's "wantTrailers"), where a
 * throw cannot be caught and ends the process: trailers it refuses (a connection-specific field,
 * whoever set it) reset that stream instead, which gRPC clients read as Internal.
 */
function guardTrailers(stream: http2.ServerHttp2Stream, onError: (error: unknown) => void): void {
  const sendTrailers = stream.sendTrailers;
  stream.sendTrailers = (headers) => {
    try {
      sendTrailers.call(stream, headers);
    } catch (error) {
      onError(error);
      stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
    }
  };
}

/** Tell an HTTP/1.1 client that the connection ends with this response, if it is not too late. */
function announceClose(res: http.ServerResponse): void {
  if (!res.headersSent) {
    res.setHeader("connection", "close");
  }
}

/** "http2" or "http1" once the bytes decide it, undefined while they are a prefix of the preface. */
function detectProtocol(bytes: Buffer): "http1" | "http2" | undefined {
  const n = Math.min(bytes.length, http2Preface.length);
  if (bytes.compare(http2Preface, 0, n, 0, n) !== 0) {
    return "http1";
  }
  return bytes.length >= http2Preface.length ? "http2" : undefined;
}

function ignore(): void {}
