import { ValueType, type Attributes, type HrTime } from '@opentelemetry/api';
import { AggregationTemporality, DataPointType, type GaugeMetricData } from '@opentelemetry/sdk-metrics';

/** What a gauge's callback reports to: a value per label set, each collection anew. */
export interface GaugeReport {
  observe(value: number, attributes?: Attributes): void;
}

/**
 * A gauge whose series are exactly those its callback reports at each collection, collected through
 * `KeyedProducer`. The SDK's observable gauge (sdk-metrics 2.12, cumulative) keeps exporting, with its last value,
 * every label set its callback ever reported: a resolved finding stayed at 1 in `flowlens_findings_open`, and the
 * alerts on it never cleared, until the agent restarted.
 */
export class CurrentGauge {
  private failing = false;

  constructor(
    readonly name: string,
    readonly description: string,
    private readonly report: (result: GaugeReport) => void,
    /** Told once when the callback starts to throw (a closed store): its gauge is left out, not the whole scrape. */
    private readonly onError: (message: string) => void,
  ) {}

  collect(startTime: HrTime, endTime: HrTime): GaugeMetricData {
    let dataPoints: GaugeMetricData['dataPoints'] = [];
    try {
      this.report({ observe: (value, attributes = {}) => dataPoints.push({ attributes, startTime, endTime, value }) });
      this.failing = false;
    } catch (error) {
      dataPoints = [];
      if (!this.failing) this.onError(`metrics: ${this.name} could not be read, left out until it can: ${(error as Error).message}`);
      this.failing = true;
    }
    return {
      descriptor: { name: this.name, description: this.description, unit: '', valueType: ValueType.DOUBLE },
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.GAUGE,
      dataPoints,
    };
  }
}
