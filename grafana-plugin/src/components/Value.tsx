import { useStyles2 } from '@grafana/ui';
import React from 'react';

import type { AttributeValue } from '../api/types.js';
import { ABSENT } from '../domain/format.js';
import { getPageStyles } from './styles.js';

export function Value({ value }: { value: AttributeValue }) {
  return value === null ? <Absent /> : <>{String(value)}</>;
}

/** Not there on that side. */
export function Absent() {
  const styles = useStyles2(getPageStyles);
  return <span className={styles.muted}>{ABSENT}</span>;
}
