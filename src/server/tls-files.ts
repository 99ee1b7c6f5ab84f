import { readFile } from "node:fs/promises";
import { createSecureContext } from "node:tls";
import type { TlsFiles } from "./mux.js";

export class TlsFilesError extends Error {
  override readonly name = "TlsFilesError";
}

/**
 * Reads a PEM certificate (optionally followed by its chain) and its key, and checks that they load
 * and belong together before a server uses them: a bad pair fails the start or the reload that
 * reads it, never a client's handshake.
 */
export async function readTlsFiles(certFile: string, keyFile: string): Promise<TlsFiles> {
  const [cert, key] = await Promise.all([readPem(certFile, "KEYGATE_TLS_CERT_FILE"), readPem(keyFile, "KEYGATE_TLS_KEY_FILE")]);
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    throw new TlsFilesError(`the TLS certificate ${certFile} and key ${keyFile} do not load together: ${(error as Error).message}`, { cause: error });
  }
  return { cert, key };
}

async function readPem(path: string, setting: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new TlsFilesError(`${setting}: cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
}
