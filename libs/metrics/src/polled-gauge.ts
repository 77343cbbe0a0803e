import { Counter, Gauge, type Registry } from 'prom-client';

/** One labelled value of a polled gauge. */
export interface GaugeSample {
  labels: Record<string, string>;
  value: number;
}

/** Reads the current values of a gauge from where they live (a COUNT in PostgreSQL, the broker's offsets). */
export type GaugeReader = () => Promise<GaugeSample[]>;

export interface PolledGaugeOptions {
  name: string;
  help: string;
  labelNames: readonly string[];
  /** A reading is reused for this long, so a scraper polling every few seconds costs one read per period. */
  cacheMs: number;
  /** A read that takes longer counts as failed: a scrape never hangs on a dependency that is down. */
  timeoutMs: number;
}

interface Source {
  read: GaugeReader;
  at: number;
  samples: GaugeSample[];
  pending?: Promise<void>;
}

/**
 * A gauge whose values are read when Prometheus scrapes (prom-client's async `collect`), from
 * sources the processes's modules register, each reading cached for `cacheMs`. Nothing runs
 * while nobody scrapes. A source whose read fails or times out shows no value (absent, not a
 * stale number) and counts in `workpoint_metric_read_failures_total{gauge}`; the failure is
 * the scrape's to report, not a reason to fail the scrape of every other metric.
 */
export class PolledGauge {
  private readonly sources = new Map<string, Source>();
  readonly gauge: Gauge;

  constructor(
    registry: Registry,
    private readonly options: PolledGaugeOptions,
    private readonly failures: Counter<'gauge'>,
    private readonly now: () => number = Date.now,
  ) {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    this.gauge = new Gauge({
      name: options.name,
      help: options.help,
      labelNames: options.labelNames,
      registers: [registry],
      async collect() {
        await self.refresh();
        this.reset();
        for (const source of self.sources.values()) for (const s of source.samples) this.set(s.labels, s.value);
      },
    });
  }

  /**
   * Adds a source under `id` (one per service and table: a second registration under the same
   * id, e.g. a second Outbox on the same table, is ignored). Returns what removes it.
   */
  addSource(id: string, read: GaugeReader): () => void {
    if (this.sources.has(id)) return () => undefined;
    const source: Source = { read, at: Number.NEGATIVE_INFINITY, samples: [] };
    this.sources.set(id, source);
    return () => {
      if (this.sources.get(id) === source) this.sources.delete(id);
    };
  }

  private async refresh(): Promise<void> {
    const now = this.now();
    await Promise.all(
      [...this.sources.values()].map((source) => {
        if (now - source.at < this.options.cacheMs) return undefined;
        source.pending ??= this.read(source).finally(() => (source.pending = undefined));
        return source.pending;
      }),
    );
  }

  private async read(source: Source): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.options.name}: read took over ${this.options.timeoutMs} ms`)), this.options.timeoutMs);
    });
    try {
      source.samples = await Promise.race([source.read(), timeout]);
    } catch {
      source.samples = [];
      this.failures.inc({ gauge: this.options.name });
    } finally {
      clearTimeout(timer);
      source.at = this.now();
    }
  }
}
