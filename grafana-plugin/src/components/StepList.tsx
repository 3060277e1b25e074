import { useStyles2 } from '@grafana/ui';
import React from 'react';

import { InlineCode } from './InlineCode.js';
import { getPageStyles } from './styles.js';

/** A recommendation's steps, in the order to do them. */
export function StepList({ steps }: { steps: string[] }) {
  const styles = useStyles2(getPageStyles);
  return (
    <ol className={styles.list}>
      {steps.map((step) => (
        <li key={step}>
          <InlineCode text={step} />
        </li>
      ))}
    </ol>
  );
}
