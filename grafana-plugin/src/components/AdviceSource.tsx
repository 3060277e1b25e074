import { useStyles2 } from '@grafana/ui';
import React from 'react';

import type { RecommendationItem } from '../api/types.js';
import { findingUrl } from '../constants.js';
import { PageLink } from './PageLink.js';
import { getPageStyles } from './styles.js';

/**
 * Where advice shown under `workflow` comes from, when it is another workflow's finding shared with this one: its
 * advice names that workflow's steps, which would otherwise read as this workflow's.
 */
export function AdviceSource({ advice, workflow }: { advice: Pick<RecommendationItem, 'workflow' | 'findingId'>; workflow: string }) {
  const styles = useStyles2(getPageStyles);
  if (advice.workflow === workflow) {
    return null;
  }
  return (
    <span className={styles.muted}>
      {' '}
      (from{' '}
      <PageLink href={findingUrl(advice.findingId)} inline>
        the finding shared with {advice.workflow}
      </PageLink>
      )
    </span>
  );
}
