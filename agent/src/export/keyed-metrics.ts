import { ValueType, type Attributes, type HrTime } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  type CollectionResult,
  type HistogramMetricData,
  type MetricProducer,
  type SumMetricData,
} from '@opentelemetry/sdk-metrics';

const hrTime = (ms: number): HrTime => [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];

interface Series {
  attributes: Attributes;
  counts: number[];
  sum: number;
  count: number;
  min: number;
  max: number;
}

/**
 * A cumulative explicit-bucket histogram recorded by a key the caller already holds. The SDK's histogram
 * instrument hashes the attributes of every value recorded (sorting their keys into a string); at a run and
 * each of its steps per recorded value that was a tenth of ingest time. Collected through `HistogramProducer`,
 * so the Prometheus exporter serialises it like any SDK instrument.
 */
export class KeyedHistogram {
  private readonly series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly description: string,
    private readonly boundaries: readonly number[],
  ) {}

  /** `attributes` are read only the first time `key` is seen: the key must stand for them. */
  record(key: string, attributes: () => Attributes, value: number): void {
    let series = this.series.get(key);
    if (!series) {
      series = { attributes: attributes(), counts: new Array<number>(this.boundaries.length + 1).fill(0), sum: 0, count: 0, min: Infinity, max: -Infinity };
      this.series.set(key, series);
    }
    let bucket = 0;
    while (bucket < this.boundaries.length && value > this.boundaries[bucket]!) bucket++;
    series.counts[bucket]!++;
    series.sum += value;
    series.count++;
    if (value < series.min) series.min = value;
    if (value > series.max) series.max = value;
  }

  collect(startTime: HrTime, endTime: HrTime): HistogramMetricData {
    return {
      descriptor: { name: this.name, description: this.description, unit: '', valueType: ValueType.DOUBLE },
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.HISTOGRAM,
      dataPoints: [...this.series.values()].map((s) => ({
        attributes: s.attributes,
        startTime,
        endTime,
        value: { buckets: { boundaries: [...this.boundaries], counts: [...s.counts] }, sum: s.sum, count: s.count, min: s.min, max: s.max },
      })),
    };
  }
}

/** A cumulative counter recorded by a key the caller already holds, for the reason given at KeyedHistogram. */
export class KeyedCounter {
  private readonly series = new Map<string, { attributes: Attributes; value: number }>();

  constructor(
    readonly name: string,
    readonly description: string,
  ) {}

  has(key: string): boolean {
    return this.series.has(key);
  }

  /** `attributes` are read only the first time `key` is seen: the key must stand for them. */
  add(key: string, attributes: () => Attributes, value: number): void {
    const series = this.series.get(key);
    if (series) series.value += value;
    else this.series.set(key, { attributes: attributes(), value });
  }

  collect(startTime: HrTime, endTime: HrTime): SumMetricData {
    return {
      descriptor: { name: this.name, description: this.description, unit: '', valueType: ValueType.DOUBLE },
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.SUM,
      isMonotonic: true,
      dataPoints: [...this.series.values()].map((s) => ({ attributes: s.attributes, startTime, endTime, value: s.value })),
    };
  }
}

/** Hands keyed instruments to a metric reader (`metricProducers`), as one instrumentation scope. */
export class KeyedProducer implements MetricProducer {
  private readonly startTime = hrTime(Date.now());

  constructor(
    private readonly scope: string,
    private readonly instruments: readonly (KeyedHistogram | KeyedCounter)[],
  ) {}

  collect(): Promise<CollectionResult> {
    const endTime = hrTime(Date.now());
    return Promise.resolve({
      resourceMetrics: {
        // The reader keeps its own resource and takes only the scopes from a producer.
        resource: undefined as never,
        scopeMetrics: [{ scope: { name: this.scope }, metrics: this.instruments.map((i) => i.collect(this.startTime, endTime)) }],
      },
      errors: [],
    });
  }
}
