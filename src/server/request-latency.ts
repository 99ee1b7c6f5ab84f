import { Histogram, type Registry } from "prom-client";

type Labels = "protocol" | "method";
type HistogramData = Awaited<ReturnType<Histogram<Labels>["get"]>>;

interface Series {
  labels: Record<Labels, string>;
  /** Observations per bucket (not cumulative); the last one is past every bound (+Inf). */
  buckets: number[];
  sum: number;
  count: number;
}

/**
 * keygate_request_duration_seconds: a prom-client Histogram as /metrics shows it, recorded per
 * request without the label object that prom-client's observe validates and hashes on every call
 * (with its buckets keyed by number in an object, that was a tenth of an introspection's CPU in the
 * OAuth bench's profiles). The registry reads it through get() as any histogram; what it shows is
 * what prom-client's own Histogram shows for the same observations (tested against it).
 */
export class RequestLatency extends Histogram<Labels> {
  private readonly series = new Map<string, Series>();
  private readonly bounds: readonly number[];
  private readonly metric: { name: string; help: string };

  /** `buckets` ascending, as prom-client wants them. */
  constructor(config: { name: string; help: string; buckets: readonly number[]; registers: Registry[] }) {
    super({ ...config, buckets: [...config.buckets], labelNames: ["protocol", "method"] });
    this.bounds = config.buckets;
    this.metric = { name: config.name, help: config.help };
  }

  record(protocol: string, method: string, seconds: number): void {
    const key = `${protocol}\n${method}`;
    let series = this.series.get(key);
    if (series === undefined) {
      series = { labels: { protocol, method }, buckets: new Array<number>(this.bounds.length + 1).fill(0), sum: 0, count: 0 };
      this.series.set(key, series);
    }
    let bucket = 0;
    while (bucket < this.bounds.length && seconds > this.bounds[bucket]!) bucket++;
    series.buckets[bucket]!++;
    series.sum += seconds;
    series.count++;
  }

  /** What the registry formats: prom-client's getForPromString, shared labels apart from `le`. */
  async getForPromString() {
    const { name: metricName, help } = this.metric;
    const name = `${metricName}_bucket`;
    const values = [...this.series.values()].flatMap(({ labels, buckets, sum, count }) => {
      let cumulative = 0;
      return [
        ...this.bounds.map((le, i) => ({ labels: { le: le as number | string }, sharedLabels: labels, value: (cumulative += buckets[i]!), metricName: name, exemplar: null })),
        { labels: { le: "+Inf" as number | string }, sharedLabels: labels, value: count, metricName: name, exemplar: null },
        { labels: {}, sharedLabels: labels, value: sum, metricName: `${metricName}_sum`, exemplar: undefined },
        { labels: {}, sharedLabels: labels, value: count, metricName: `${metricName}_count`, exemplar: undefined },
      ];
    });
    return { name: metricName, help, type: "histogram", values, aggregator: "sum" as const };
  }

  /** As prom-client's: each value's labels with `le` first. */
  override async get(): Promise<HistogramData> {
    const data = await this.getForPromString();
    const values = data.values.map(({ labels, sharedLabels, ...value }) => ({ ...value, labels: { ...labels, ...sharedLabels } }));
    // prom-client's typings know no `le` label and type `type` as an enum; its own histogram returns these very shapes.
    return { ...data, values } as unknown as HistogramData;
  }

  override reset(): void {
    // Histogram's constructor calls reset() before this class's fields exist.
    (this.series as Map<string, Series> | undefined)?.clear();
  }
}
