/**
 * Parity check for the experimental unary gRPC path: the same requests, as raw HTTP/2, against
 * connect-node alone and against the fast path in front of it; every response (status, headers,
 * trailers, body) must be the same, apart from the date header.
 *   npx tsx bench/experiments/check-fast-path.ts
 */
import * as http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { create, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError, createConnectRouter, type ConnectRouter } from "@connectrpc/connect";
import { compressionBrotli, compressionGzip, connectNodeAdapter } from "@connectrpc/connect-node";
import { AddAPIAppRequestSchema, ManagementService } from "../../src/gen/zitadel/management_pb.js";
import { ErrorDetailSchema } from "../../src/gen/zitadel/message_pb.js";
import { createGrpcUnaryFastPath, recordUnarySpecs } from "./grpc-unary-fast-path.js";

const readMaxBytes = 1024;
const routes = (router: ConnectRouter) =>
  router.service(ManagementService, {
    healthz: () => ({}),
    async addAPIApp(req, ctx) {
      ctx.responseHeader.set("x-impl-header", "h");
      ctx.responseTrailer.set("x-impl-trailer", "t");
      if (req.name === "fail")
        throw new ConnectError("Anwendung: nicht/gefunden 100%", Code.NotFound, { "x-error-meta": "m" }, [{ desc: ErrorDetailSchema, value: { id: "APP-1", message: "nope" } }]);
      if (req.name === "throw") throw new Error("boom");
      if (req.name === "slow") {
        await new Promise((resolve, reject) => {
          const t = setTimeout(resolve, 300);
          ctx.signal.addEventListener("abort", () => (clearTimeout(t), reject(ctx.signal.reason)));
        });
      }
      return { appId: "1", clientId: "2", clientSecret: "x".repeat(req.name === "big" ? 2000 : 10) };
    },
  });
const options = { readMaxBytes, acceptCompression: [compressionGzip, compressionBrotli] };

async function listen(handler: (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void): Promise<string> {
  const server = http2.createServer(handler);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const plainUrl = await listen(connectNodeAdapter({ routes, ...options }));
const specs = new Map();
const router = createConnectRouter(options);
routes(recordUnarySpecs(router, specs));
const fast = createGrpcUnaryFastPath(specs, new Map(router.handlers.map((h) => [h.requestPath, h])), { interceptors: [], ...options });
const adapter = connectNodeAdapter({ routes, ...options });
let fastServed = 0;
const fastUrl = await listen((req, res) => {
  if (fast(req, res, req.url)) fastServed++;
  else adapter(req, res);
});

interface Raw {
  status?: number;
  headers: Record<string, unknown>;
  trailers: Record<string, unknown>;
  body: string;
}
function call(url: string, headers: Record<string, string>, body: Buffer): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(url);
    const stream = session.request({ ":method": "POST", ":path": "/zitadel.management.v1.ManagementService/AddAPIApp", "content-type": "application/grpc", te: "trailers", ...headers });
    const out: Raw = { headers: {}, trailers: {}, body: "" };
    const chunks: Buffer[] = [];
    stream.on("response", (h) => {
      out.status = h[":status"];
      for (const [k, v] of Object.entries(h)) if (k !== "date" && !k.startsWith(":")) out.headers[k] = v;
    });
    stream.on("trailers", (t) => Object.assign(out.trailers, t));
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => {
      out.body = Buffer.concat(chunks).toString("base64");
      session.close();
      resolve(out);
    });
    stream.on("error", reject);
    stream.end(body);
  });
}
const frame = (bytes: Uint8Array, flags = 0) => {
  const b = Buffer.alloc(5 + bytes.length);
  b[0] = flags;
  b.writeUInt32BE(bytes.length, 1);
  b.set(bytes, 5);
  return b;
};
const msg = (name: string) => toBinary(AddAPIAppRequestSchema, create(AddAPIAppRequestSchema, { projectId: "p", name }));

const cases: [string, Record<string, string>, Buffer][] = [
  ["ok", {}, frame(msg("ok"))],
  ["ok, application/grpc+proto", { "content-type": "application/grpc+proto" }, frame(msg("ok"))],
  ["error with details and metadata", {}, frame(msg("fail"))],
  ["non-ConnectError", {}, frame(msg("throw"))],
  ["deadline exceeded", { "grpc-timeout": "50m" }, frame(msg("slow"))],
  ["deadline not reached", { "grpc-timeout": "5S" }, frame(msg("slow"))],
  ["bad grpc-timeout", { "grpc-timeout": "soon" }, frame(msg("ok"))],
  ["gzip accepted, small response", { "grpc-accept-encoding": "gzip" }, frame(msg("ok"))],
  ["gzip accepted, big response", { "grpc-accept-encoding": "identity,deflate,gzip" }, frame(msg("big"))],
  ["gzip request", { "grpc-encoding": "gzip" }, frame(gzipSync(msg("ok")), 1)],
  ["unknown request encoding", { "grpc-encoding": "snappy" }, frame(msg("ok"))],
  ["compressed flag without encoding", {}, frame(msg("ok"), 1)],
  ["undecodable message", {}, frame(Buffer.from([0x0a, 0xff]))],
  ["two messages", {}, Buffer.concat([frame(msg("a")), frame(msg("b"))])],
  ["incomplete envelope", {}, frame(msg("ok")).subarray(0, 7)],
  ["empty body", {}, Buffer.alloc(0)],
  ["over readMaxBytes", {}, frame(msg("x".repeat(readMaxBytes + 10)))],
  ["grpc-web content type (not ours)", { "content-type": "application/grpc-web+proto" }, frame(msg("ok"))],
];

let failures = 0;
for (const [name, headers, body] of cases) {
  const [a, b] = await Promise.all([call(plainUrl, headers, body), call(fastUrl, headers, body)]);
  const same = JSON.stringify(a) === JSON.stringify(b);
  if (!same) failures++;
  console.log(`${same ? "same" : "DIFF"}  ${name}${same ? "" : `\n  connect: ${JSON.stringify(a)}\n  fast:    ${JSON.stringify(b)}`}`);
}
console.log(`\n${cases.length - failures}/${cases.length} identical; the fast path took ${fastServed} of ${cases.length} requests (handing malformed ones back to connect)`);
process.exit(failures ? 1 : 0);
