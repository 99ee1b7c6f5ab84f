import { Code, ConnectError } from "@connectrpc/connect";
import type { NodeRequest } from "./node-http.js";

/** Where a body read by `readBody` goes. */
export interface BodyReceiver {
  /** The whole body, in one buffer. */
  done(body: Buffer): void;
  /** More than the limit arrived: the bytes read so far. The request is paused and no longer listened to. */
  tooLarge(read: Buffer): void;
  /** The request failed, or closed before its end. */
  failed(error: Error): void;
}

/**
 * Reads a request body of at most `maxBytes` into one buffer; the one body reader of the server
 * (the unary fast path and REST). Past the limit it stops at once, without buffering the rest.
 */
export function readBody(req: NodeRequest, maxBytes: number, receiver: BodyReceiver): void {
  const chunks: Buffer[] = [];
  let size = 0;
  const cleanup = () => {
    req.off("data", onData);
    req.off("end", onEnd);
    req.off("error", onError);
    req.off("close", onClose);
  };
  const onData = (chunk: Buffer) => {
    chunks.push(chunk);
    size += chunk.byteLength;
    if (size <= maxBytes) return;
    cleanup();
    req.pause();
    receiver.tooLarge(Buffer.concat(chunks, size));
  };
  const onEnd = () => {
    cleanup();
    receiver.done(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
  };
  const onError = (error: Error) => {
    cleanup();
    receiver.failed(error);
  };
  const onClose = () => {
    cleanup();
    receiver.failed(new ConnectError("request closed before its body was complete", Code.Canceled));
  };
  req.on("data", onData);
  req.once("end", onEnd);
  req.once("error", onError);
  req.once("close", onClose);
}

export type BodyResult =
  | { ok: true; bytes: Uint8Array }
  /** The body exceeds the limit; it was not read to the end. */
  | { ok: false; error: ConnectError };

/**
 * A request body of at most maxBytes, or ResourceExhausted (the code connect uses for its own
 * readMaxBytes) as soon as the Content-Length or the bytes received say it is larger. Rejects
 * when the request fails or closes first.
 */
export function readBodyWithin(req: NodeRequest, maxBytes: number): Promise<BodyResult> {
  // Made only when needed: an error's stack costs more than reading a small form body.
  const tooLarge = (): BodyResult => ({
    ok: false,
    error: new ConnectError(`request body is larger than the limit of ${maxBytes} bytes`, Code.ResourceExhausted),
  });
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.resolve(tooLarge());
  return new Promise((resolve, reject) => {
    readBody(req, maxBytes, {
      done: (bytes) => resolve({ ok: true, bytes }),
      // Stop the flow; the response closes the connection (HTTP/1.1) or the stream.
      tooLarge: () => resolve(tooLarge()),
      failed: reject,
    });
  });
}
