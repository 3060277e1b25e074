import { TextLink } from '@grafana/ui';
import React from 'react';

import type { Finding } from '../api/types.js';
import { findingWorkflowUrl } from '../domain/findingRange.js';

/** The workflows a finding concerns, each a link to its page at the finding's time. */
export function FindingWorkflows({ finding }: { finding: Finding }) {
  return (
    <>
      {(finding.workflows ?? [finding.workflow]).map((w, i) => (
        <React.Fragment key={w}>
          {i > 0 && ', '}
          <TextLink href={findingWorkflowUrl(finding, w)} inline>
            {w}
          </TextLink>
        </React.Fragment>
      ))}
    </>
  );
}
