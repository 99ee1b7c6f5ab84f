import type { UniversalHandler, UniversalHandlerFn } from "@connectrpc/connect/protocol";

/**
 * A new UniversalHandler that runs fn instead of handler but describes the
 * same RPC (path, service, method, protocols), so routing and REST still see
 * the original.
 */
export function wrapHandler(handler: UniversalHandler, fn: UniversalHandlerFn): UniversalHandler {
  return Object.assign(fn, {
    protocolNames: handler.protocolNames,
    service: handler.service,
    method: handler.method,
    requestPath: handler.requestPath,
    allowedMethods: handler.allowedMethods,
    supportedContentType: handler.supportedContentType,
  });
}
