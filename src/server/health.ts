import { Code, ConnectError, type ConnectRouter } from "@connectrpc/connect";
import { Health, HealthCheckResponse_ServingStatus as ServingStatus } from "../gen/grpc/health/v1/health_pb.js";

/**
 * keygate's serving status: SERVING for the whole server ("") and each served service until
 * shutdown begins, NOT_SERVING from then on. It never goes back.
 */
export interface HealthState {
  readonly services: readonly string[];
  /** undefined for a service keygate does not serve. */
  status(service: string): ServingStatus | undefined;
  /** Aborted when shutdown begins; Watch streams end on it. */
  readonly stopping: AbortSignal;
  shutdown(): void;
}

export function createHealthState(services: readonly string[]): HealthState {
  const known = new Set(["", ...services]);
  const stopping = new AbortController();
  return {
    services,
    status: (service) => (!known.has(service) ? undefined : stopping.signal.aborted ? ServingStatus.NOT_SERVING : ServingStatus.SERVING),
    stopping: stopping.signal,
    shutdown: () => stopping.abort(),
  };
}

/** grpc.health.v1.Health on every protocol, as grpc-go's health server answers it. */
export function registerHealthService(router: ConnectRouter, state: HealthState): void {
  router.service(Health, {
    check(req) {
      const status = state.status(req.service);
      if (status === undefined) throw new ConnectError("unknown service", Code.NotFound);
      return { status };
    },
    async *watch(req, ctx) {
      // Unknown services are not an error for Watch: the service may appear later (it won't here).
      const current = () => state.status(req.service) ?? ServingStatus.SERVICE_UNKNOWN;
      const first = current();
      yield { status: first };
      if (state.stopping.aborted) return;
      await firstAbort(state.stopping, ctx.signal);
      if (state.stopping.aborted && current() !== first) yield { status: current() };
    },
    list() {
      const statuses = Object.fromEntries(["", ...state.services].map((s) => [s, { status: state.status(s) }]));
      return { statuses };
    },
  });
}

function firstAbort(...signals: AbortSignal[]): Promise<void> {
  const any = AbortSignal.any(signals);
  return new Promise((resolve) => (any.aborted ? resolve() : any.addEventListener("abort", () => resolve(), { once: true })));
}
