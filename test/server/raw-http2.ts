import * as http2 from "node:http2";

export interface RawResponse {
  headers: http2.IncomingHttpHeaders;
  trailers: http2.IncomingHttpHeaders;
  body: Buffer;
}

/** One request over a fresh h2c connection, to send bytes no typed client would. */
export function h2cRequest(port: number, headers: http2.OutgoingHttpHeaders, body: Uint8Array): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    session.on("error", reject);
    const stream = session.request({ ":method": "POST", ...headers });
    let responseHeaders: http2.IncomingHttpHeaders = {};
    let trailers: http2.IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    stream.on("response", (h) => (responseHeaders = h));
    stream.on("trailers", (h) => (trailers = h));
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("error", reject);
    stream.on("end", () => {
      session.close();
      resolve({ headers: responseHeaders, trailers, body: Buffer.concat(chunks) });
    });
    // A GET or HEAD stream is ended by the client with its headers.
    if (!stream.writableEnded) stream.end(body);
  });
}

/** A gRPC / gRPC-Web / Connect-streaming envelope: flags, uint32 length, payload. */
export function envelope(payload: Uint8Array, flags = 0): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt8(flags, 0);
  header.writeUInt32BE(payload.byteLength, 1);
  return Buffer.concat([header, payload]);
}

/** grpc-status from a gRPC-Web response: the trailer frame (flag 0x80) in the body. */
export function grpcWebStatus(body: Buffer): { status: string | undefined; message: string | undefined } {
  let offset = 0;
  while (offset + 5 <= body.length) {
    const flags = body.readUInt8(offset);
    const length = body.readUInt32BE(offset + 1);
    const payload = body.subarray(offset + 5, offset + 5 + length);
    if ((flags & 0x80) !== 0) {
      const fields = new Map(
        payload
          .toString("latin1")
          .split("\r\n")
          .filter((l) => l.includes(":"))
          .map((l) => [l.slice(0, l.indexOf(":")).trim().toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]),
      );
      return { status: fields.get("grpc-status"), message: fields.get("grpc-message") };
    }
    offset += 5 + length;
  }
  return { status: undefined, message: undefined };
}
