import { cx } from '@emotion/css';
import { useStyles2 } from '@grafana/ui';
import React from 'react';

import type { Run } from '../api/types.js';
import { errorText, formatDuration, formatRunDuration, formatTime } from '../domain/format.js';
import { testIds } from '../testIds.js';
import { StateBadge } from './Badges.js';
import { getPageStyles } from './styles.js';
import { TableHead } from './TableHead.js';

interface Props {
  runs: Run[];
  selectedId?: string;
  onSelect: (id: string) => void;
}

export function RunsTable({ runs, selectedId, onSelect }: Props) {
  const styles = useStyles2(getPageStyles);
  return (
    <table className={styles.table} data-testid={testIds.workflow.runs}>
      <TableHead columns={['Run', 'Status', 'Started', 'Duration', 'Waited for workers', 'Error']} />
      <tbody>
        {runs.map((run) => (
          <tr key={run.id} data-testid={testIds.workflow.run(run.id)} className={cx(run.id === selectedId && styles.selectedRow)}>
            <td className={styles.nowrap}>
              <button type="button" className={styles.linkButton} onClick={() => onSelect(run.id)}>
                {run.runId}
              </button>
            </td>
            <td>
              <StateBadge value={run.status} />
            </td>
            <td className={styles.nowrap}>{formatTime(run.startTime)}</td>
            <td>{formatRunDuration(run)}</td>
            <td>{formatDuration(run.waitSeconds ?? run.queueSeconds)}</td>
            <td className={styles.mono}>{errorText(run)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
