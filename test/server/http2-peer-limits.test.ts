import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import * as http2 from "node:http2";
import { execFile } from "node:child_process";
import * as net from "node:net";
import { createPeerLimits } from "../../src/server/http2-peer-limits.js";
import { createMuxServer, type MuxServer } from "../../src/server/mux.js";
import { writeResponse } from "../../src/server/node-http.js";

/*
 * Abuse is bounded per peer across its connections (issue 12). The abuser connects from 127.0.0.2,
 * everyone else from 127.0.0.1: Linux routes all of 127/8 to the loopback interface.
 */

const ENHANCE_YOUR_CALM = 0xb;

const connectFrom = (localAddress: string, port: number) =>
  http2.connect(`http://127.0.0.1:${port}`, { createConnection: () => net.connect({ port, host: "127.0.0.1", localAddress }) });

/** A GET that answers: the status, or the error the session or stream ended with. */
function get(session: http2.ClientHttp2Session): Promise<number | string> {
  return new Promise((resolve) => {
    session.once("error", (error) => resolve(String(error)));
    const stream = session.request({ ":path": "/ok" });
    let status = 0;
    stream.on("response", (headers) => (status = Number(headers[":status"])));
    stream.on("error", (error) => resolve(String(error)));
    stream.on("close", () => resolve(status || `closed (${stream.rstCode})`));
    stream.resume();
  });
}

/** The rapid-reset client (test/faults/support) as its own process, from `localAddress`, for `seconds`. */
function rapidResetProcess(port: number, localAddress: string, seconds: number): Promise<{ connections: number; resets: number; goaways: Record<string, number> }> {
  const { NODE_OPTIONS: _jestOptions, ...env } = process.env;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["--import", "tsx", "test/faults/support/rapid-reset-client.ts", String(port), localAddress, String(seconds)], { env }, (error, stdout) =>
      error ? reject(error) : resolve(JSON.parse(stdout) as { connections: number; resets: number; goaways: Record<string, number> }),
    );
  });
}

describe("HTTP/2 peers over their budget", () => {
  let server: MuxServer;
  let port: number;
  const refused: string[] = [];
  beforeAll(async () => {
    const handler = (_req: unknown, res: Parameters<typeof writeResponse>[0]) => setTimeout(() => writeResponse(res, 200, {}, Buffer.from("ok")), 5);
    server = createMuxServer(handler, {
      peerLimits: createPeerLimits({ streamsPerSecond: 10_000, resetsPerSecond: 20, cooldownMs: 1_000 }, (peer) => refused.push(peer)),
      http2IdleTimeoutMs: 300,
      headersTimeoutMs: 300,
    });
    ({ port } = await server.listen(0, "127.0.0.1"));
  });
  afterAll(() => server.close(500));

  test("a rapid-reset peer gets ENHANCE_YOUR_CALM, is refused on reconnecting, other peers are served, and after the cooldown it is let in again", async () => {
    const attack = rapidResetProcess(port, "127.0.0.2", 2);
    const other = connectFrom("127.0.0.1", port);
    const during: (number | string)[] = [];
    while (refused.length === 0) during.push(await get(other));
    other.close();
    const stats = await attack;
    expect(refused[0]).toBe("127.0.0.2");
    expect(stats.goaways[ENHANCE_YOUR_CALM]).toBeGreaterThanOrEqual(1);
    // Most reconnections were refused before a GOAWAY could be sent: their sockets were closed at once.
    expect(stats.connections).toBeGreaterThan(stats.goaways[ENHANCE_YOUR_CALM]! + 1);
    expect(new Set(during)).toEqual(new Set([200]));

    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const later = connectFrom("127.0.0.2", port);
    expect(await get(later)).toBe(200);
    later.close();
  });

  test("an honest client cancelling a few calls is not refused", async () => {
    refused.length = 0;
    const session = connectFrom("127.0.0.3", port);
    session.on("error", () => {});
    for (let i = 0; i < 10; i++) session.request({ ":path": "/ok" }).close(http2.constants.NGHTTP2_CANCEL);
    expect(await get(session)).toBe(200);
    session.close();
    expect(refused).toEqual([]);
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
