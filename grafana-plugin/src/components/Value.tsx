import { useStyles2 } from '@grafana/ui';
import React from 'react';

import type { AttributeValue } from '../api/types.js';
import { ABSENT } from '../domain/format.js';
import { getPageStyles } from './styles.js';

/** Lists and maps as JSON, as the agent words them: `String` would give `[object Object]`. */
export function Value({ value }: { value: AttributeValue }) {
  return value === null ? <Absent /> : <>{typeof value === 'object' ? JSON.stringify(value) : String(value)}</>;
}

/** Not there on that side. */
export function Absent() {
  const styles = useStyles2(getPageStyles);
  return (
    <span className={styles.muted} title="absent" aria-label="absent">
      {ABSENT}
    </span>
  );
}
