import { EventEmitter } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { Code, ConnectError, createConnectRouter, createContextValues, type HandlerContext, type Interceptor } from "@connectrpc/connect";
import { ManagementService } from "../../src/gen/zitadel/management_pb.js";
import type { NodeResponse } from "../../src/server/node-http.js";
import { recordUnarySpecs, runUnaryCall, type UnarySpec } from "../../src/server/connect-compat/unary-call.js";

/** What the implementation and the interceptors saw of the call's signal. */
interface Seen {
  context?: HandlerContext;
  interceptorSignal?: AbortSignal;
}

/** GetAppByID whose implementation runs `body` with its context. */
function specWith(body: (ctx: HandlerContext) => Promise<void>): UnarySpec {
  const specs = new Map<string, UnarySpec>();
  recordUnarySpecs(createConnectRouter(), specs).service(ManagementService, {
    async getAppByID(_req, ctx) {
      await body(ctx);
      return {};
    },
  });
  return specs.get("/zitadel.management.v1.ManagementService/GetAppByID")!;
}

/** Stands in for the node response: runUnaryCall only listens for its "close". */
const response = () => new EventEmitter() as unknown as NodeResponse;

const init = (timeoutMs?: number) => ({
  protocolName: "grpc",
  url: "http://localhost/zitadel.management.v1.ManagementService/GetAppByID",
  requestHeader: new Headers(),
  responseHeader: new Headers(),
  responseTrailer: new Headers(),
  values: createContextValues(),
  ...(timeoutMs === undefined ? {} : { timeoutMs }),
});

const recordingSignal = (seen: Seen): Interceptor => (next) => async (req) => {
  seen.interceptorSignal = req.signal;
  return next(req);
};

describe("a unary call's signal", () => {
  const RealAbortController = globalThis.AbortController;
  afterEach(() => {
    globalThis.AbortController = RealAbortController;
  });

  it("is not made when neither the interceptors nor the implementation read it", async () => {
    let made = 0;
    globalThis.AbortController = class extends RealAbortController {
      constructor() {
        super();
        made++;
      }
    };
    const passing: Interceptor = (next) => (req) => next(req);
    await runUnaryCall(specWith(async () => {}), {}, response(), init(1000), { interceptors: [passing] });
    expect(made).toBe(0);
  });

  it("is the same for the interceptors and the implementation, and is aborted with Canceled when the call ends", async () => {
    const seen: Seen = {};
    await runUnaryCall(specWith(async (ctx) => void (seen.context = ctx)), {}, response(), init(), { interceptors: [recordingSignal(seen)] });
    const signal = seen.context!.signal;
    expect(seen.interceptorSignal).toBe(signal);
    expect(signal.aborted).toBe(true);
    expect(ConnectError.from(signal.reason).code).toBe(Code.Canceled);
  });

  it("is still open while the call runs", async () => {
    let abortedDuringCall: boolean | undefined;
    await runUnaryCall(specWith(async (ctx) => void (abortedDuringCall = ctx.signal.aborted)), {}, response(), init(), { interceptors: [] });
    expect(abortedDuringCall).toBe(false);
  });

  it("read after the client went away is aborted already, with the client's Canceled", async () => {
    const res = response();
    let reason: unknown;
    await runUnaryCall(
      specWith(async (ctx) => {
        (res as unknown as EventEmitter).emit("close");
        reason = ctx.signal.aborted ? ctx.signal.reason : undefined;
      }),
      {},
      res,
      init(),
      { interceptors: [] },
    );
    expect(ConnectError.from(reason).code).toBe(Code.Canceled);
    expect(ConnectError.from(reason).rawMessage).toBe("operation was aborted via signal");
  });

  it("read after the deadline passed is aborted already, with DeadlineExceeded, and the context knows the time is up", async () => {
    let reason: unknown;
    let remaining: number | undefined;
    await runUnaryCall(
      specWith(async (ctx) => {
        await new Promise((resolve) => setTimeout(resolve, 40));
        remaining = ctx.timeoutMs();
        reason = ctx.signal.aborted ? ctx.signal.reason : undefined;
      }),
      {},
      response(),
      init(10),
      { interceptors: [] },
    );
    expect(ConnectError.from(reason).code).toBe(Code.DeadlineExceeded);
    expect(remaining).toBeLessThanOrEqual(0);
  });

  it("read before the server shuts down is aborted with the shutdown's reason", async () => {
    const shutdown = new RealAbortController();
    const reason = new ConnectError("server is shutting down", Code.Unavailable);
    let seenReason: unknown;
    await runUnaryCall(
      specWith(async (ctx) => {
        const signal = ctx.signal;
        shutdown.abort(reason);
        seenReason = signal.reason;
      }),
      {},
      response(),
      init(),
      { interceptors: [], shutdownSignal: shutdown.signal },
    );
    expect(seenReason).toBe(reason);
  });
});
