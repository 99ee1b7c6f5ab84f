import { afterEach, beforeEach, describe, expect, test } from "vitest";
import * as http from "node:http";
import * as http2 from "node:http2";
import * as net from "node:net";
import { createPeerLimits } from "../../src/server/http2-peer-limits.js";
import { MAX_CONCURRENT_STREAMS, createMuxServer, type MuxServer } from "../../src/server/mux.js";
import { writeResponse } from "../../src/server/node-http.js";
import { rapidResetAttack } from "../support/rapid-reset-attack.js";
import { ACK, FRAME, clientStart, h2Frame, rapidResets } from "./rapid-reset-frames.js";

/*
 * HTTP/2 rapid reset bounded by connection, with a probation for the abuser's address (issue 12).
 * Each test uses addresses of its own: Linux routes all of 127/8 to the loopback interface.
 */

const connectFrom = (localAddress: string, port: number) =>
  http2.connect(`http://127.0.0.1:${port}`, { createConnection: () => net.connect({ port, host: "127.0.0.1", localAddress }) });

/** A GET that answers: the status, or the error the session or stream ended with. */
function get(session: http2.ClientHttp2Session): Promise<number | string> {
  return new Promise((resolve) => {
    const failed = (error: unknown) => resolve(String(error));
    session.once("error", failed);
    const stream = session.request({ ":path": "/ok" });
    stream.once("close", () => session.off("error", failed));
    let status = 0;
    stream.on("response", (headers) => (status = Number(headers[":status"])));
    stream.on("error", (error) => resolve(String(error)));
    stream.on("close", () => resolve(status || `closed (${stream.rstCode})`));
    stream.resume();
  });
}

/**
 * A call cancelled by the client once its start reached the server: its first body bytes were
 * handed to the socket (a stream closed before that never leaves the client). Resolves when closed.
 */
function cancelledCall(session: http2.ClientHttp2Session): Promise<void> {
  return new Promise((resolve) => {
    const stream = session.request({ ":method": "POST", ":path": "/ok" });
    stream.on("error", () => {});
    stream.on("close", () => resolve());
    stream.write("x", () => stream.close(http2.constants.NGHTTP2_CANCEL));
  });
}

/** Whether `bytes` (frames from the server) hold the ACK of a PING. */
function holdsPingAck(bytes: Buffer): boolean {
  for (let offset = 0; offset + 9 <= bytes.length; offset += 9 + bytes.readUIntBE(offset, 3)) {
    if (bytes[offset + 3] === FRAME.PING && (bytes[offset + 4]! & ACK) !== 0) return true;
  }
  return false;
}

/**
 * A raw connection from `localAddress` that writes `bytes` and a PING at once: whether the server sent
 * anything before it closed the socket. A connection let in is ended once the PING's ACK is back: the
 * server has read all of `bytes` by then (it reads frames in order).
 */
function rawConnection(port: number, localAddress: string, bytes: Buffer): Promise<{ heard: boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: "127.0.0.1", localAddress }, () => socket.write(Buffer.concat([bytes, h2Frame(FRAME.PING, 0, 0, Buffer.alloc(8))])));
    let received = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (holdsPingAck(received)) socket.destroy();
    });
    socket.on("error", () => {});
    socket.on("close", () => resolve({ heard: received.length > 0 }));
  });
}

/** A GET over HTTP/1.1 from `localAddress`: its status, or the error. */
function getHttp1(port: number, localAddress: string): Promise<number | string> {
  return new Promise((resolve) => {
    http
      .get({ host: "127.0.0.1", port, path: "/ok", localAddress, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on("error", (error) => resolve(String(error)));
  });
}

describe("HTTP/2 connections over their reset budget", () => {
  let server: MuxServer;
  let port: number;
  let probations: string[];
  /** How far the limits' clock is ahead of the real one: a test moves it on instead of waiting. */
  let skippedMs: number;
  const limits = { resetsPerSecond: 20, probationResetsPerSecond: 2, probationConnectionsPerSecond: 2, probationMs: 1_000 };
  // A server of its own for each test: it starts with no address on probation.
  beforeEach(async () => {
    probations = [];
    skippedMs = 0;
    const handler = (_req: unknown, res: Parameters<typeof writeResponse>[0]) => setTimeout(() => writeResponse(res, 200, {}, Buffer.from("ok")), 5);
    server = createMuxServer(handler, {
      peerLimits: createPeerLimits(limits, (address) => probations.push(address), () => Date.now() + skippedMs),
      http2IdleTimeoutMs: 300,
      headersTimeoutMs: 300,
    });
    ({ port } = await server.listen(0, "127.0.0.1"));
  });
  afterEach(() => server.close(500));

  test("a rapid-reset client's connections are closed, alone: a client on the same address keeps its connection and is served throughout", async () => {
    const honest = connectFrom("127.0.0.2", port);
    expect(await get(honest)).toBe(200);
    const attack = rapidResetAttack(port, "127.0.0.2", 2);
    const during: (number | string)[] = [];
    let attacking = true;
    void attack.finally(() => (attacking = false));
    while (attacking) during.push(await get(honest));
    const stats = await attack;
    honest.close();
    expect(probations).toEqual(["127.0.0.2"]);
    // Reconnecting over and over, the abuser was mostly closed before the server sent a byte.
    expect(stats.connections).toBeGreaterThan(10);
    expect(stats.refused).toBeGreaterThan(stats.connections / 2);
    expect(during.length).toBeGreaterThan(10);
    expect(new Set(during)).toEqual(new Set([200]));
  });

  test("a connection whose first bytes reset more streams than its budget is closed unread; on probation, its address's new HTTP/2 connections are let in at the probation rate, its HTTP/1.1 ones always", async () => {
    const authority = `127.0.0.1:${port}`;
    expect(await rawConnection(port, "127.0.0.3", Buffer.concat([clientStart(), rapidResets(1, 2 * limits.resetsPerSecond + 1, authority)]))).toEqual({ heard: false });
    expect(probations).toEqual(["127.0.0.3"]);
    // Well-behaved new connections, all at once: the probation burst (2 a second, 4 at once) is let in, the rest not.
    const admitted = await Promise.all(Array.from({ length: 8 }, () => rawConnection(port, "127.0.0.3", clientStart())));
    expect(admitted.filter(({ heard }) => heard).length).toBe(4);
    expect(await getHttp1(port, "127.0.0.3")).toBe(200);
    // Other addresses are not concerned.
    expect(await rawConnection(port, "127.0.0.4", clientStart())).toEqual({ heard: true });
    // After the probation (on the limits' clock) a new HTTP/2 connection is let in again, with the full budget.
    skippedMs += limits.probationMs + 50;
    expect(await rawConnection(port, "127.0.0.3", Buffer.concat([clientStart(), rapidResets(1, limits.resetsPerSecond, authority)]))).toEqual({ heard: true });
    expect(probations).toEqual(["127.0.0.3"]);
  });

  test("on probation, a new connection has the small budget: a few resets after its start close it", async () => {
    const authority = `127.0.0.1:${port}`;
    await rawConnection(port, "127.0.0.5", Buffer.concat([clientStart(), rapidResets(1, 2 * limits.resetsPerSecond + 1, authority)]));
    expect(probations).toEqual(["127.0.0.5"]);
    const session = connectFrom("127.0.0.5", port);
    session.on("error", () => {});
    expect(await get(session)).toBe(200);
    const closed = new Promise((resolve) => session.once("close", resolve));
    for (let i = 0; i < 2 * limits.probationResetsPerSecond + 1; i++) void cancelledCall(session);
    await closed;
    expect(probations).toEqual(["127.0.0.5"]);
  });

  test("an honest client cancelling a few calls keeps its connection", async () => {
    const session = connectFrom("127.0.0.6", port);
    session.on("error", () => {});
    expect(await get(session)).toBe(200);
    await Promise.all(Array.from({ length: 10 }, () => cancelledCall(session)));
    expect(await get(session)).toBe(200);
    session.close();
    expect(probations).toEqual([]);
  });

  test("a connection may have 1000 streams open at once, and is told so in the server's SETTINGS", async () => {
    const session = connectFrom("127.0.0.7", port);
    const settings = await new Promise<http2.Settings>((resolve) => session.once("remoteSettings", resolve));
    session.close();
    expect(settings.maxConcurrentStreams).toBe(MAX_CONCURRENT_STREAMS);
    expect(MAX_CONCURRENT_STREAMS).toBe(1000);
  });

  test("an idle HTTP/2 session is closed with GOAWAY after the idle timeout", async () => {
    const session = connectFrom("127.0.0.1", port);
    expect(await get(session)).toBe(200);
    const started = Date.now();
    const goaway = await new Promise<number>((resolve) => session.once("goaway", resolve));
    expect(goaway).toBe(http2.constants.NGHTTP2_NO_ERROR);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    session.destroy();
  });

  test("HTTP/1.1 headers that do not all arrive in time get 408", async () => {
    const answer = await new Promise<string>((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => socket.write("GET /ok HTTP/1.1\r\nHost: x\r\nX-Slow: "));
      let text = "";
      socket.on("data", (chunk) => (text += chunk.toString()));
      socket.on("close", () => resolve(text));
      socket.on("error", () => {});
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });
});
