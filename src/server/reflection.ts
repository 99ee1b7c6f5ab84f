import { create, createRegistry, toBinary } from "@bufbuild/protobuf";
import type { DescFile, DescService, Registry } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { Code, type ConnectRouter } from "@connectrpc/connect";
import * as v1 from "../gen/grpc/reflection/v1/reflection_pb.js";
import * as v1alpha from "../gen/grpc/reflection/v1alpha/reflection_pb.js";

/** The request of either reflection version; both share one shape. */
interface ReflectionRequest {
  host: string;
  messageRequest:
    | { case: "fileByFilename" | "fileContainingSymbol" | "allExtensionNumbersOfType" | "listServices"; value: string }
    | { case: "fileContainingExtension"; value: { containingType: string; extensionNumber: number } }
    | { case: undefined; value?: undefined };
}

/** The answer of either version, as plain init values. */
type ReflectionAnswer =
  | { case: "fileDescriptorResponse"; value: { fileDescriptorProto: Uint8Array[] } }
  | { case: "allExtensionNumbersResponse"; value: { baseTypeName: string; extensionNumber: number[] } }
  | { case: "listServicesResponse"; value: { service: { name: string }[] } }
  | { case: "errorResponse"; value: { errorCode: number; errorMessage: string } };

/** What reflection can describe: the served services, their files and everything those import. */
interface Schema {
  services: readonly DescService[];
  files: ReadonlyMap<string, DescFile>;
  registry: Registry;
}

/** Both reflection versions, to list among the served services. */
export const reflectionServices: readonly DescService[] = [v1.ServerReflection, v1alpha.ServerReflection];

/**
 * gRPC server reflection v1 and v1alpha (grpcurl, buf curl, Postman), answered from the
 * descriptors compiled into the generated code. `services` must include everything served.
 */
export function registerReflectionServices(router: ConnectRouter, services: readonly DescService[]): void {
  const schema = schemaOf(services);
  router.service(v1.ServerReflection, {
    async *serverReflectionInfo(requests) {
      for await (const req of requests) {
        yield create(v1.ServerReflectionResponseSchema, { validHost: req.host, originalRequest: req, messageResponse: answer(schema, req) });
      }
    },
  });
  router.service(v1alpha.ServerReflection, {
    async *serverReflectionInfo(requests) {
      for await (const req of requests) {
        yield create(v1alpha.ServerReflectionResponseSchema, { validHost: req.host, originalRequest: req, messageResponse: answer(schema, req) });
      }
    },
  });
}

function schemaOf(services: readonly DescService[]): Schema {
  const files = withImports(services.map((s) => s.file));
  return { services, files, registry: createRegistry(...files.values()) };
}

/** The files and everything they import, transitively, by file name. */
function withImports(roots: readonly DescFile[]): Map<string, DescFile> {
  const files = new Map<string, DescFile>();
  const visit = (file: DescFile) => {
    if (files.has(file.proto.name)) return;
    files.set(file.proto.name, file);
    file.dependencies.forEach(visit);
  };
  roots.forEach(visit);
  return files;
}

function answer(schema: Schema, req: ReflectionRequest): ReflectionAnswer {
  const request = req.messageRequest;
  switch (request.case) {
    case "listServices":
      return { case: "listServicesResponse", value: { service: schema.services.map((s) => ({ name: s.typeName })) } };
    case "fileByFilename":
      return fileAnswer(schema.files.get(request.value), `file "${request.value}"`);
    case "fileContainingSymbol":
      return fileAnswer(fileOfSymbol(schema.registry, request.value), `symbol "${request.value}"`);
    case "fileContainingExtension": {
      const { containingType, extensionNumber } = request.value;
      const extendee = schema.registry.getMessage(containingType);
      const extension = extendee && schema.registry.getExtensionFor(extendee, extensionNumber);
      return fileAnswer(extension?.file, `extension ${extensionNumber} of "${containingType}"`);
    }
    case "allExtensionNumbersOfType": {
      if (!schema.registry.getMessage(request.value)) return notFound(`type "${request.value}"`);
      const numbers = [...schema.registry].flatMap((d) => (d.kind === "extension" && d.extendee.typeName === request.value ? [d.number] : []));
      return { case: "allExtensionNumbersResponse", value: { baseTypeName: request.value, extensionNumber: numbers } };
    }
    default:
      return { case: "errorResponse", value: { errorCode: Code.InvalidArgument, errorMessage: "no request in the message" } };
  }
}

/** Types, services and extensions by name, and methods as "pkg.Service.Method". */
function fileOfSymbol(registry: Registry, symbol: string): DescFile | undefined {
  const found = registry.get(symbol);
  if (found) return found.file;
  const dot = symbol.lastIndexOf(".");
  const service = registry.getService(symbol.slice(0, Math.max(dot, 0)));
  return service?.methods.some((m) => m.name === symbol.slice(dot + 1)) ? service.file : undefined;
}

/** The file and all it imports, transitively, as serialized FileDescriptorProtos. */
function fileAnswer(file: DescFile | undefined, what: string): ReflectionAnswer {
  if (!file) return notFound(what);
  const fileDescriptorProto = [...withImports([file]).values()].map((f) => toBinary(FileDescriptorProtoSchema, f.proto));
  return { case: "fileDescriptorResponse", value: { fileDescriptorProto } };
}

function notFound(what: string): ReflectionAnswer {
  return { case: "errorResponse", value: { errorCode: Code.NotFound, errorMessage: `${what} not found` } };
}
