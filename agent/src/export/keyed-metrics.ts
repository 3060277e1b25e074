import { ValueType, type Attributes, type HrTime } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  type CollectionResult,
  type HistogramMetricData,
  type MetricData,
  type MetricProducer,
  type SumMetricData,
} from '@opentelemetry/sdk-metrics';

const hrTime = (ms: number): HrTime => [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];

/** One label set's cumulative explicit-bucket histogram. */
export class HistogramSeries {
  readonly counts: number[];
  sum = 0;
  count = 0;
  min = Infinity;
  max = -Infinity;

  constructor(
    readonly attributes: Attributes,
    private readonly boundaries: readonly number[],
  ) {
    this.counts = new Array<number>(boundaries.length + 1).fill(0);
  }

  record(value: number): void {
    let bucket = 0;
    while (bucket < this.boundaries.length && value > this.boundaries[bucket]!) bucket++;
    this.counts[bucket]!++;
    this.sum += value;
    this.count++;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }
}

/**
 * A cumulative explicit-bucket histogram whose series the caller finds by a key it already holds, and may keep.
 * The SDK's histogram instrument hashes the attributes of every value recorded (sorting their keys into a
 * string); at a run and each of its steps per recorded value that was a tenth of ingest time. Collected through
 * `KeyedProducer`, so the Prometheus exporter serialises it like any SDK instrument.
 */
export class KeyedHistogram {
  private readonly series = new Map<string, HistogramSeries>();

  constructor(
    readonly name: string,
    readonly description: string,
    private readonly boundaries: readonly number[],
  ) {}

  /** The series of `key`; `attributes` are read only the first time `key` is seen: the key must stand for them. */
  seriesOf(key: string, attributes: () => Attributes): HistogramSeries {
    let series = this.series.get(key);
    if (!series) {
      series = new HistogramSeries(attributes(), this.boundaries);
      this.series.set(key, series);
    }
    return series;
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

/** One label set's cumulative count. */
export interface CounterSeries {
  readonly attributes: Attributes;
  value: number;
}

/** A cumulative counter whose series the caller finds by a key it already holds, for the reason at KeyedHistogram. */
export class KeyedCounter {
  private readonly series = new Map<string, CounterSeries>();

  constructor(
    readonly name: string,
    readonly description: string,
  ) {}

  /** The series of `key`, starting at 0; `attributes` are read only the first time `key` is seen. */
  seriesOf(key: string, attributes: () => Attributes): CounterSeries {
    let series = this.series.get(key);
    if (!series) {
      series = { attributes: attributes(), value: 0 };
      this.series.set(key, series);
    }
    return series;
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

/** Hands keyed instruments (and `CurrentGauge`s) to a metric reader (`metricProducers`), as one instrumentation scope. */
export class KeyedProducer implements MetricProducer {
  private readonly startTime = hrTime(Date.now());

  constructor(
    private readonly scope: string,
    private readonly instruments: readonly { collect(startTime: HrTime, endTime: HrTime): MetricData }[],
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
