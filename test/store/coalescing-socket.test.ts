import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { createServer, type Server, type Socket } from "node:net";
import { CoalescingSocket } from "../../src/store/coalescing-socket.js";

/** Counts what the socket hands to the kernel: one entry per write or writev, with its chunks. */
function recordKernelWrites(socket: CoalescingSocket): string[][] {
  const writes: string[][] = [];
  const writeOne = socket._write.bind(socket);
  const writeMany = socket._writev!.bind(socket);
  socket._write = (chunk, encoding, callback) => {
    writes.push([String(chunk)]);
    writeOne(chunk, encoding, callback);
  };
  socket._writev = (chunks, callback) => {
    writes.push(chunks.map(({ chunk }) => String(chunk)));
    writeMany(chunks, callback);
  };
  return writes;
}

describe("CoalescingSocket", () => {
  let server: Server;
  let received: string;
  let awaited: { length: number; arrived: () => void } | undefined;
  let socket: CoalescingSocket;

  beforeEach(async () => {
    received = "";
    awaited = undefined;
    server = createServer((peer: Socket) =>
      peer.on("data", (data) => {
        received += String(data);
        if (awaited && received.length >= awaited.length) awaited.arrived();
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    socket = new CoalescingSocket();
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => socket.connect(port, "127.0.0.1", resolve));
  });
  afterEach(async () => {
    socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  const tick = () => new Promise((resolve) => setImmediate(resolve));
  /** Resolves once the server has received `length` characters. */
  const receivedLength = (length: number) =>
    new Promise<void>((arrived) => (received.length >= length ? arrived() : (awaited = { length, arrived })));

  test("hands what is written in one tick to the kernel as one write, after the tick", async () => {
    const writes = recordKernelWrites(socket);
    socket.write("parse;");
    socket.write(Buffer.from("bind;"));
    socket.write("execute;");
    expect(writes).toEqual([]);
    await tick();
    expect(writes).toEqual([["parse;", "bind;", "execute;"]]);
    await receivedLength(19);
    expect(received).toBe("parse;bind;execute;");
  });

  test("writes of later ticks go out on their own, in order, and their callbacks run", async () => {
    const writes = recordKernelWrites(socket);
    const written: string[] = [];
    socket.write("one;", () => written.push("one"));
    await tick();
    const twoWritten = new Promise<void>((done) =>
      socket.write("two;", "utf8", () => {
        written.push("two");
        done();
      }),
    );
    socket.write("three;");
    await tick();
    expect(writes).toEqual([["one;"], ["two;", "three;"]]);
    await Promise.all([receivedLength(14), twoWritten]);
    expect(received).toBe("one;two;three;");
    expect(written).toEqual(["one", "two"]);
  });

  test("a cork of the writer's own nests inside the tick's", async () => {
    const writes = recordKernelWrites(socket);
    socket.cork();
    socket.write("a;");
    socket.uncork();
    socket.write("b;");
    await tick();
    expect(writes).toEqual([["a;", "b;"]]);
  });
});
