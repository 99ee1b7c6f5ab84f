import grpc from "@grpc/grpc-js";

export interface GrpcResult<T> {
  response?: T;
  error?: grpc.ServiceError;
}

/**
 * One unary call with @grpc/grpc-js, the client ZITADEL's Node SDK uses.
 * serialize may emit arbitrary bytes, which is how tests send malformed messages.
 */
export function grpcJsUnary<Req, Res>(
  client: grpc.Client,
  path: string,
  serialize: (req: Req) => Buffer,
  deserialize: (bytes: Buffer) => Res,
  request: Req,
  metadata: Record<string, string> = {},
): Promise<GrpcResult<Res>> {
  const md = new grpc.Metadata();
  for (const [k, v] of Object.entries(metadata)) {
    md.set(k, v);
  }
  return new Promise((resolve) => {
    client.makeUnaryRequest(path, serialize, deserialize, request, md, {}, (error, response) => {
      resolve(error ? { error } : { response });
    });
  });
}

export function grpcJsClient(port: number): grpc.Client {
  return new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}
