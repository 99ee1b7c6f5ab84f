import { describe, expect, test } from "vitest";
import { Histogram, Registry } from "prom-client";
import { RequestLatency } from "../../src/server/request-latency.js";

const config = { name: "latency_seconds", help: "Latency", buckets: [0.001, 0.01, 0.5, 1] };
const observations: [string, string, number][] = [
  ["grpc", "a.Service/Get", 0.0004],
  ["grpc", "a.Service/Get", 0.001],
  ["grpc", "a.Service/Get", 0.0011],
  ["http", "/oauth/v2/introspect", 0.01],
  ["http", "/oauth/v2/introspect", 3],
  ["rest", 'a "quoted"\\path', 0.7],
  ["grpc", "a.Service/Get", 2.5],
];

/** prom-client's own Histogram and a RequestLatency, each in a registry of its own, given the same observations. */
function both() {
  const theirs = new Registry();
  const ours = new Registry();
  const histogram = new Histogram({ ...config, labelNames: ["protocol", "method"] as const, registers: [theirs] });
  const latency = new RequestLatency({ ...config, registers: [ours] });
  for (const [protocol, method, seconds] of observations) {
    histogram.observe({ protocol, method }, seconds);
    latency.record(protocol, method, seconds);
  }
  return { theirs, ours, histogram, latency };
}

describe("RequestLatency shows what prom-client's Histogram shows", () => {
  test("in the text format, as /metrics serves it", async () => {
    const { theirs, ours } = both();
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });

  test("as JSON", async () => {
    const { theirs, ours } = both();
    expect(await ours.getMetricsAsJSON()).toEqual(await theirs.getMetricsAsJSON());
  });

  test("after a reset, and with nothing observed", async () => {
    const { theirs, ours, histogram, latency } = both();
    histogram.reset();
    latency.reset();
    expect(await ours.metrics()).toBe(await theirs.metrics());
    histogram.observe({ protocol: "grpc", method: "m" }, 0.002);
    latency.record("grpc", "m", 0.002);
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });
});
