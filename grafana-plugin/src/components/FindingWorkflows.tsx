import React from 'react';

import type { Finding } from '../api/types.js';
import { findingWorkflowUrl } from '../domain/findingRange.js';
import { PageLink } from './PageLink.js';
import { WrapBetween } from './WrapBetween.js';

/** The workflows a finding concerns, each a link to its page at the finding's time. */
export function FindingWorkflows({ finding }: { finding: Finding }) {
  const links = (finding.workflows ?? [finding.workflow]).map((w) => (
    <PageLink key={w} href={findingWorkflowUrl(finding, w)} inline>
      {w}
    </PageLink>
  ));
  return <WrapBetween parts={links} separator=", " />;
}
