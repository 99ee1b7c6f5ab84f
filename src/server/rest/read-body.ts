import { Code, ConnectError } from "@connectrpc/connect";
import type { NodeRequest } from "../node-http.js";

export type BodyResult =
  | { ok: true; bytes: Uint8Array }
  /** The body exceeds the limit; it was not read to the end. */
  | { ok: false; error: ConnectError };

/**
 * Read a request body of at most maxBytes. A larger body is refused as soon as
 * the Content-Length or the bytes received say so, without buffering the rest
 * — ResourceExhausted, the code connect uses for its own readMaxBytes.
 */
export function readBody(req: NodeRequest, maxBytes: number): Promise<BodyResult> {
  const tooLarge: BodyResult = {
    ok: false,
    error: new ConnectError(`request body is larger than the limit of ${maxBytes} bytes`, Code.ResourceExhausted),
  };
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    return Promise.resolve(tooLarge);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > maxBytes) {
        cleanup();
        // Stop the flow; the response closes the connection (HTTP/1.1) or the stream.
        req.pause();
        resolve(tooLarge);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve({ ok: true, bytes: Buffer.concat(chunks, size) });
    };
    const onError = (e: Error) => {
      cleanup();
      reject(e);
    };
    const onClose = () => {
      cleanup();
      reject(new ConnectError("request closed before its body was complete", Code.Canceled));
    };
    req.on("data", onData);
    req.once("end", onEnd);
    req.once("error", onError);
    req.once("close", onClose);
  });
}
