import { useStyles2 } from '@grafana/ui';
import React from 'react';

import type { Finding } from '../api/types.js';
import { findingWorkflowUrl } from '../domain/findingRange.js';
import { formatTime } from '../domain/format.js';
import { testIds } from '../testIds.js';
import { StateBadge } from './Badges.js';
import { PageLink } from './PageLink.js';
import { getPageStyles } from './styles.js';
import { TableHead } from './TableHead.js';

/**
 * A finding's example runs by their runner's run id, as the runner's own UI shows them, each linked to its own
 * workflow's page at the finding's time (a finding of several workflows has runs of each). An older agent gives only
 * its own run ids: those link to the finding's workflow, whose page finds the run by either id.
 */
export function ExampleRuns({ finding }: { finding: Finding }) {
  const styles = useStyles2(getPageStyles);
  const runs = finding.exampleRuns;
  if (!runs) {
    return finding.evidence.exampleRunIds.length === 0 ? null : (
      <p>
        Example runs:{' '}
        {finding.evidence.exampleRunIds.map((id) => (
          <React.Fragment key={id}>
            <PageLink href={findingWorkflowUrl(finding, finding.workflow, { run: id })} inline>
              {id}
            </PageLink>{' '}
          </React.Fragment>
        ))}
      </p>
    );
  }
  if (runs.length === 0) {
    return null;
  }
  return (
    <table className={styles.table} data-testid={testIds.findings.exampleRuns}>
      <TableHead columns={['Example run', 'Workflow', 'Status', 'Started']} />
      <tbody>
        {runs.map((run) => (
          <tr key={run.id}>
            <td>
              <PageLink href={findingWorkflowUrl(finding, run.workflow, { run: run.id })} inline>
                {run.runId}
              </PageLink>
            </td>
            <td>{run.workflow}</td>
            <td>
              <StateBadge value={run.status} />
            </td>
            <td className={styles.nowrap}>{formatTime(run.startTime)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
