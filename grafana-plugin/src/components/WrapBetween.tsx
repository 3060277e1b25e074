import { useStyles2 } from '@grafana/ui';
import React, { type ReactNode } from 'react';

import { getPageStyles } from './styles.js';

/**
 * `parts` joined by `separator`, on lines that break between parts only: each part whole (a name not broken at its
 * hyphen, a date at its `-`) and kept with the comma after it, which a line may otherwise wrap to its start (a link
 * lays out as a box, which a line may break on either side of).
 */
export function WrapBetween({ parts, separator }: { parts: ReactNode[]; separator: string }) {
  const styles = useStyles2(getPageStyles);
  // `, `: the comma ends the part before it; the space is where a line may break.
  const punctuation = separator.trimEnd();
  const space = separator.slice(punctuation.length);
  return (
    <>
      {parts.map((part, i) => (
        <React.Fragment key={i}>
          <span className={styles.nowrap}>
            {part}
            {i < parts.length - 1 && punctuation}
          </span>
          {i < parts.length - 1 && space}
        </React.Fragment>
      ))}
    </>
  );
}
