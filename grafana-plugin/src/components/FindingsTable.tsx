import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import React from 'react';

import type { Finding } from '../api/types.js';
import { describeAffectedRuns } from '../domain/affectedRuns.js';
import { formatTime, humanize } from '../domain/format.js';
import { testIds } from '../testIds.js';
import { StateBadge } from './Badges.js';
import { FindingWorkflows } from './FindingWorkflows.js';
import { InlineCode } from './InlineCode.js';
import { getPageStyles } from './styles.js';
import { WrapBetween } from './WrapBetween.js';

interface Props {
  findings: Finding[];
  selectedId?: string;
  onSelect: (id: string) => void;
  showWorkflow?: boolean;
}

/**
 * Eight columns, each workflow's name and each status whole, in a window 900 px wide: the cells sit closer than other
 * tables' to leave the title, which wraps, room enough.
 */
const getDenseStyles = (theme: GrafanaTheme2) => css({ 'th, td': { paddingLeft: theme.spacing(0.5), paddingRight: theme.spacing(0.5) } });

export function FindingsTable({ findings, selectedId, onSelect, showWorkflow = true }: Props) {
  const styles = useStyles2(getPageStyles);
  const dense = useStyles2(getDenseStyles);
  return (
    <table className={cx(styles.table, dense)} data-testid={testIds.findings.list}>
      <thead>
        <tr>
          <th>Severity</th>
          <th>Finding</th>
          {showWorkflow && <th>Workflow</th>}
          <th>Kind</th>
          <th>Category</th>
          <th>Affected runs</th>
          <th>Last seen</th>
          <th>Status</th>
        </tr>
      </thead>
      <tbody>
        {findings.map((f) => (
          <tr
            key={f.id}
            data-testid={testIds.findings.row(f.id)}
            className={cx(f.id === selectedId && styles.selectedRow)}
          >
            <td>
              <StateBadge value={f.severity} />
            </td>
            <td>
              <button type="button" className={styles.linkButton} onClick={() => onSelect(f.id)}>
                <InlineCode text={f.title} />
              </button>
            </td>
            {showWorkflow && (
              <td>
                <FindingWorkflows finding={f} />
              </td>
            )}
            <td>{humanize(f.kind)}</td>
            <td>{humanize(f.category)}</td>
            <td>{describeAffectedRuns(f).cell}</td>
            <td>
              <WrappingTime time={f.lastSeen} />
            </td>
            <td>
              <StateBadge value={f.status} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * A time that may wrap between its date, clock and zone, never inside them (`2026-12-` / `03`): kept on one line it
 * pushes the table past a narrow window.
 */
function WrappingTime({ time }: { time: string }) {
  return <WrapBetween parts={formatTime(time).split(' ')} separator=" " />;
}
