import { RadioButtonGroup } from '@grafana/ui';
import React from 'react';

import { useTimeRange } from '../domain/useUrlState.js';

const RANGES = ['now-1h', 'now-6h', 'now-24h', 'now-7d', 'now-30d'];
const OPTIONS = RANGES.map((from) => ({ label: `Last ${from.slice(4)}`, value: from }));

/** Relative time ranges, kept in the URL. A link with any other `from`/`to` (ISO times from an alert) still works. */
export function TimeRangePicker() {
  const [range, setRange] = useTimeRange();
  const options = range.to === 'now' && RANGES.includes(range.from) ? OPTIONS : [...OPTIONS, { label: 'From link', value: range.from }];
  return (
    <RadioButtonGroup
      aria-label="Time range"
      size="sm"
      options={options}
      value={range.from}
      onChange={(from) => setRange({ from, to: 'now' })}
    />
  );
}
