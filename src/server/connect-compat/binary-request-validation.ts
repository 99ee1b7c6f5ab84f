import { fromBinary } from "@bufbuild/protobuf";
import type { BinaryReadOptions, DescMessage } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import type { Compression } from "@connectrpc/connect/protocol";
import type { BinaryFraming } from "../classified-request.js";

/*
 * Why this exists: connect-es parses binary request messages in
 * createBinarySerialization (@connectrpc/connect/dist/esm/protocol/serialization.js)
 * and turns every fromBinary() failure into `ConnectError("parse binary: …",
 * Code.Internal)` — HTTP 500 / grpc-status 13 for a client's bad bytes. JSON
 * parse errors already become InvalidArgument there. The serialization cannot be
 * swapped from outside, and its error has no cause to tell it apart from real
 * internal errors.
 *
 * So we parse each binary request message once before connect does, with the
 * same descriptor and read options, and raise InvalidArgument from the request
 * body stream when it does not decode (the door tells how the messages are
 * framed: classified-request.ts). Connect propagates a ConnectError raised
 * by the body unchanged and renders it in the caller's protocol (gRPC trailers,
 * gRPC-Web trailer frame, Connect JSON error). Everything connect rejects for
 * other reasons (size limits, unknown compression, incomplete envelopes) is
 * passed through untouched, so its own error still wins. The price is a second
 * fromBinary() per binary request message: microseconds for our message sizes.
 */

export interface BinaryRequestValidationOptions {
  /** Same limit connect enforces; larger messages are left to connect to reject. */
  readMaxBytes: number;
  /** The compressions the router accepts, to look inside compressed messages. */
  acceptCompression: Compression[];
  /** The binary read options the router uses, so both parses agree. */
  binaryOptions?: Partial<BinaryReadOptions>;
}

/** Envelope flag for a compressed message; the same bit in all three protocols. */
const compressedFlag = 0b00000001;

/**
 * The request body of a binary gRPC, gRPC-Web or Connect request, checked as it is read: a
 * message of `input` that does not decode ends the body with InvalidArgument, which connect
 * answers on every protocol. `encoding` is the value of the framing's encoding header.
 */
export function validatedBinaryBody(
  body: AsyncIterable<Uint8Array>,
  input: DescMessage,
  framing: BinaryFraming,
  encoding: string | null,
  options: BinaryRequestValidationOptions,
): AsyncIterable<Uint8Array> {
  const compression = findCompression(options.acceptCompression, encoding);
  const check = (payload: Uint8Array, compressed: boolean) => assertDecodes(input, payload, compressed ? compression : null, options);
  return framing.layout === "whole"
    ? validateWholeBody(body, check, compression !== null, options.readMaxBytes)
    : validateEnvelopes(body, check, options.readMaxBytes);
}

/**
 * null: no compression, or one we do not know (connect rejects the latter
 * itself, with its own error, before it would parse anything).
 */
function findCompression(accepted: Compression[], name: string | null): Compression | null | undefined {
  if (name === null || name === "identity") {
    return null;
  }
  return accepted.find((c) => c.name === name);
}

/**
 * Throws InvalidArgument when the message does not decode. Anything we cannot
 * check (unknown compression, a decompression error, a size limit) is left
 * for connect to report.
 */
async function assertDecodes(
  input: DescMessage,
  payload: Uint8Array,
  compression: Compression | null | undefined,
  options: BinaryRequestValidationOptions,
): Promise<void> {
  let bytes = payload;
  if (compression === undefined) {
    return;
  }
  if (compression !== null) {
    try {
      bytes = await compression.decompress(payload, options.readMaxBytes);
    } catch {
      return;
    }
  }
  try {
    fromBinary(input, bytes, options.binaryOptions);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new ConnectError(`invalid protobuf message: ${reason}`, Code.InvalidArgument, undefined, undefined, e);
  }
}

type Check = (payload: Uint8Array, compressed: boolean) => Promise<void>;

/** Connect unary: the whole body is one (possibly compressed) message. */
async function* validateWholeBody(
  body: AsyncIterable<Uint8Array>,
  check: Check,
  compressed: boolean,
  readMaxBytes: number,
): AsyncGenerator<Uint8Array> {
  const it = body[Symbol.asyncIterator]();
  const queue = new ByteQueue();
  for (let r = await it.next(); r.done !== true; r = await it.next()) {
    queue.push(r.value);
    if (queue.size > readMaxBytes) {
      // Too large: connect answers ResourceExhausted; do not buffer the rest.
      yield queue.take(queue.size);
      yield* rest(it);
      return;
    }
  }
  const message = queue.take(queue.size);
  await check(message, compressed);
  yield message;
}

/** gRPC, gRPC-Web, Connect streaming: a sequence of [flags, uint32 length, payload]. */
async function* validateEnvelopes(
  body: AsyncIterable<Uint8Array>,
  check: Check,
  readMaxBytes: number,
): AsyncGenerator<Uint8Array> {
  const it = body[Symbol.asyncIterator]();
  const queue = new ByteQueue();
  let header: Uint8Array | undefined;
  for (let r = await it.next(); r.done !== true; r = await it.next()) {
    queue.push(r.value);
    for (;;) {
      if (header === undefined) {
        if (queue.size < 5) {
          break;
        }
        header = queue.take(5);
      }
      const flags = header[0];
      const length = new DataView(header.buffer, header.byteOffset, 5).getUint32(1);
      if (length > readMaxBytes) {
        // connect answers ResourceExhausted for this envelope.
        yield header;
        yield queue.take(queue.size);
        yield* rest(it);
        return;
      }
      if (queue.size < length) {
        break;
      }
      const payload = queue.take(length);
      // Only plain data messages; other flags (end-stream, trailers) are
      // not valid in requests, and connect says so itself.
      if ((flags & ~compressedFlag) === 0) {
        await check(payload, (flags & compressedFlag) !== 0);
      }
      yield header;
      yield payload;
      header = undefined;
    }
  }
  // An incomplete envelope: connect reports it as a protocol error.
  if (header !== undefined) {
    yield header;
  }
  if (queue.size > 0) {
    yield queue.take(queue.size);
  }
}

async function* rest(it: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  for (let r = await it.next(); r.done !== true; r = await it.next()) {
    yield r.value;
  }
}

/** Chunks in arrival order; take() copies only when a message spans chunks. */
class ByteQueue {
  private chunks: Uint8Array[] = [];
  size = 0;

  push(chunk: Uint8Array): void {
    if (chunk.byteLength > 0) {
      this.chunks.push(chunk);
      this.size += chunk.byteLength;
    }
  }

  take(n: number): Uint8Array {
    const first = this.chunks[0];
    if (first !== undefined && first.byteLength >= n) {
      this.consume(n);
      return first.subarray(0, n);
    }
    const out = new Uint8Array(n);
    let offset = 0;
    while (offset < n) {
      const chunk = this.chunks[0];
      const count = Math.min(chunk.byteLength, n - offset);
      out.set(chunk.subarray(0, count), offset);
      offset += count;
      this.consume(count);
    }
    return out;
  }

  private consume(n: number): void {
    const first = this.chunks[0];
    if (first.byteLength === n) {
      this.chunks.shift();
    } else {
      this.chunks[0] = first.subarray(n);
    }
    this.size -= n;
  }
}
