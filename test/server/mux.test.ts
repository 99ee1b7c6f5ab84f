import { afterEach, describe, expect, it } from "vitest";
import * as http from "node:http";
import * as http2 from "node:http2";
import * as net from "node:net";
import { createMuxServer } from "../../src/server/mux.js";
import type { MuxServer } from "../../src/server/mux.js";
import { writeResponse } from "../../src/server/node-http.js";
import type { NodeHandler } from "../../src/server/node-http.js";
import { connectOnceClosed } from "../support/closed-port.js";

let server: MuxServer | undefined;
const agents: http.Agent[] = [];

afterEach(async () => {
  agents.forEach((a) => a.destroy());
  agents.length = 0;
  await server?.close(500);
  server = undefined;
});

/** Answers with the HTTP version it was reached over, after an optional ?delay=ms. */
const versionHandler: NodeHandler = (req, res) => {
  const delay = Number(new URL(req.url ?? "/", "http://x").searchParams.get("delay") ?? 0);
  setTimeout(() => writeResponse(res, 200, { "content-type": "text/plain" }, Buffer.from(req.httpVersion)), delay);
};

/** `handler`, and a promise that resolves once `count` requests have reached it. */
function arrivals(count: number, handler: NodeHandler): { handler: NodeHandler; arrived: Promise<void> } {
  let seen = 0;
  let allArrived!: () => void;
  const arrived = new Promise<void>((resolve) => (allArrived = resolve));
  return {
    arrived,
    handler: (req, res) => {
      if (++seen === count) allArrived();
      handler(req, res);
    },
  };
}

async function start(handler: NodeHandler = versionHandler): Promise<number> {
  server = createMuxServer(handler);
  const { port } = await server.listen(0, "127.0.0.1");
  return port;
}

function h1Get(port: number, path: string, agent: http.Agent): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders; socket: net.Socket }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path, agent }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers, socket: req.socket as net.Socket }));
    });
    req.on("error", reject);
  });
}

function h2Get(session: http2.ClientHttp2Session, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ":path": path });
    let status = 0;
    let body = "";
    stream.setEncoding("utf8");
    stream.on("response", (h) => (status = Number(h[":status"])));
    stream.on("data", (c: string) => (body += c));
    // A stream cut off by the server ends (or closes) without a response.
    const done = () => (status === 0 ? reject(new Error("stream ended without a response")) : resolve({ status, body }));
    stream.on("end", done);
    stream.on("close", done);
    stream.on("error", reject);
  });
}

function closed(emitter: { once(event: "close", listener: () => void): unknown }): Promise<void> {
  return new Promise((resolve) => emitter.once("close", () => resolve()));
}

describe("createMuxServer", () => {
  it("serves HTTP/1.1 and HTTP/2 prior knowledge on one port", async () => {
    const port = await start();
    const agent = new http.Agent({ keepAlive: true });
    agents.push(agent);
    expect(await h1Get(port, "/", agent)).toMatchObject({ status: 200, body: "1.1" });
    const session = http2.connect(`http://127.0.0.1:${port}`);
    expect(await h2Get(session, "/")).toEqual({ status: 200, body: "2.0" });
    session.close();
  });

  it("hands over a preface that arrives one byte at a time", async () => {
    const port = await start();
    const preface = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
    const socket = net.connect(port, "127.0.0.1");
    await new Promise((resolve) => socket.once("connect", resolve));
    for (const byte of preface) {
      socket.write(Buffer.from([byte]));
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    // The HTTP/2 server answers the preface with its SETTINGS frame (type 0x4).
    const frame = await new Promise<Buffer>((resolve) => socket.once("data", resolve));
    expect(frame.readUInt8(3)).toBe(0x04);
    socket.destroy();
  });

  it("close() ends idle keep-alive connections of both protocols, quickly", async () => {
    const port = await start();
    const agent = new http.Agent({ keepAlive: true });
    agents.push(agent);
    const { socket } = await h1Get(port, "/", agent);
    const h1Closed = closed(socket);
    const session = http2.connect(`http://127.0.0.1:${port}`);
    expect((await h2Get(session, "/")).status).toBe(200);
    const h2Closed = closed(session);
    expect(socket.destroyed).toBe(false);

    const started = Date.now();
    await server?.close(5_000);
    await Promise.all([h1Closed, h2Closed]);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await connectOnceClosed(port)).toBe("ECONNREFUSED");
  });

  it("close() lets in-flight requests finish and then closes their connections", async () => {
    const { handler, arrived } = arrivals(2, versionHandler);
    const port = await start(handler);
    const agent = new http.Agent({ keepAlive: true });
    agents.push(agent);
    const session = http2.connect(`http://127.0.0.1:${port}`);
    await new Promise((resolve) => session.once("connect", resolve));
    const slowH1 = h1Get(port, "/?delay=300", agent);
    const slowH2 = h2Get(session, "/?delay=300");
    await arrived;

    const closing = server?.close(5_000);
    const h1 = await slowH1;
    expect(h1).toMatchObject({ status: 200, body: "1.1" });
    // The client is told that this connection ends with this response.
    expect(h1.headers.connection).toBe("close");
    expect(await slowH2).toEqual({ status: 200, body: "2.0" });
    await closing;
  });

  it("close() destroys connections whose requests outlive the timeout", async () => {
    const { handler, arrived } = arrivals(2, () => {
      // never answers
    });
    const port = await start(handler);
    const agent = new http.Agent({ keepAlive: true });
    agents.push(agent);
    const hanging = h1Get(port, "/", agent);
    const session = http2.connect(`http://127.0.0.1:${port}`);
    session.on("error", () => {});
    const hangingH2 = h2Get(session, "/");
    // Both fail while close() runs, before they are checked below: until then not unhandled.
    for (const call of [hanging, hangingH2]) call.catch(() => {});
    await arrived;

    const started = Date.now();
    await server?.close(300);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(2_000);
    await expect(hanging).rejects.toThrow();
    await expect(hangingH2).rejects.toThrow();
  });

  it("drops a connection that never says which protocol it speaks", async () => {
    server = createMuxServer(versionHandler, { sniffTimeoutMs: 100 });
    const { port } = await server.listen(0, "127.0.0.1");
    const socket = net.connect(port, "127.0.0.1");
    socket.write("PRI * HT");
    const started = Date.now();
    await closed(socket);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("rejects listen() on a port in use", async () => {
    const port = await start();
    const other = createMuxServer(versionHandler);
    await expect(other.listen(port, "127.0.0.1")).rejects.toMatchObject({ code: "EADDRINUSE" });
    await other.close();
  });
});
