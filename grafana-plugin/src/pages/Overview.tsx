import { PluginPage } from '@grafana/runtime';
import { FilterInput, RadioButtonGroup, Stack, useStyles2 } from '@grafana/ui';
import React, { useMemo } from 'react';

import { listWorkflows } from '../api/resources.js';
import { StateBadge } from '../components/Badges.js';
import { AllHealthy, NoDataYet } from '../components/EmptyStates.js';
import { PageLink } from '../components/PageLink.js';
import { QueryView } from '../components/QueryView.js';
import { RunBars } from '../components/RunBars.js';
import { SenderClocks } from '../components/SenderClocks.js';
import { getPageStyles } from '../components/styles.js';
import { RefreshControl } from '../components/RefreshControl.js';
import { TimeRangePicker } from '../components/TimeRangePicker.js';
import { workflowUrl } from '../constants.js';
import {
  allHealthy,
  filterOverviewRows,
  formatBudget,
  formatDuration,
  formatHealth,
  formatPercent,
  SEVERITIES,
  toOverviewRows,
} from '../domain/format.js';
import { useQuery } from '../domain/useQuery.js';
import { useTimeRange, useUrlState } from '../domain/useUrlState.js';
import { testIds } from '../testIds.js';
import { TableHead } from '../components/TableHead.js';

const STATUS_OPTIONS = ['all', 'unhealthy', 'degraded', 'healthy', 'unknown'].map((value) => ({ label: value, value }));

/** Every workflow, worst first: the page to answer "what is broken right now?". */
export function Overview() {
  const styles = useStyles2(getPageStyles);
  const [range] = useTimeRange();
  const [filter, setFilter] = useUrlState({ q: '', status: 'all' });
  const query = useQuery((signal) => listWorkflows(range, signal), [range.from, range.to]);
  const rows = useMemo(() => (query.data ? toOverviewRows(query.data) : []), [query.data]);
  const shown = filterOverviewRows(rows, filter);

  return (
    <PluginPage subTitle="Health of every workflow, worst first">
      <div data-testid={testIds.overview.page}>
        <SenderClocks />
        <div className={styles.toolbar}>
          <FilterInput placeholder="Search workflows" value={filter.q} onChange={(q) => setFilter({ q })} width={40} />
          <RadioButtonGroup
            aria-label="Health status"
            size="sm"
            options={STATUS_OPTIONS}
            value={filter.status}
            onChange={(status) => setFilter({ status })}
          />
          <TimeRangePicker />
          <RefreshControl />
        </div>
        <QueryView query={query} empty={<NoDataYet />} isEmpty={(d) => d.items.length === 0}>
          {() => (
            <>
              {allHealthy(rows) && <AllHealthy what={`All ${rows.length} workflows are healthy and no finding is open.`} />}
              {shown.length === 0 ? (
                <p className={styles.muted}>No workflow matches these filters.</p>
              ) : (
                <table className={styles.table}>
                  {/* The agent counts acknowledged findings with the open ones: someone is on them, but they last. */}
                  <TableHead columns={['Workflow', 'Health', 'Success rate', 'p95 duration', 'SLO', 'Open or acknowledged findings', 'Runs']} />
                  <tbody>
                    {shown.map((w) => (
                      <tr key={w.name} data-testid={testIds.overview.row(w.name)}>
                        <td>
                          <PageLink href={workflowUrl(w.name, `?from=${range.from}&to=${range.to}`)} inline={false}>
                            {w.name}
                          </PageLink>
                          <div className={styles.muted}>{w.runner}</div>
                        </td>
                        <td>
                          <StateBadge value={w.health.status} text={formatHealth(w.health)} />
                        </td>
                        <td>
                          {formatPercent(w.successRate)}
                          <div className={styles.muted}>
                            {w.failedRuns}/{w.runs} failed
                          </div>
                        </td>
                        <td>{formatDuration(w.p95DurationSeconds)}</td>
                        <td>
                          {w.slo ? (
                            <StateBadge value={w.slo.state} text={`${w.slo.state} · budget ${formatBudget(w.slo.errorBudgetRemaining)}`} />
                          ) : (
                            <span className={styles.muted}>none</span>
                          )}
                        </td>
                        <td>
                          <Stack gap={0.5} wrap="wrap">
                            {w.totalOpenFindings === 0 ? (
                              <span className={styles.muted}>none</span>
                            ) : (
                              SEVERITIES.filter((s) => w.openFindings[s] > 0).map((s) => (
                                <StateBadge key={s} value={s} text={`${w.openFindings[s]} ${s}`} />
                              ))
                            )}
                          </Stack>
                        </td>
                        <td>
                          <RunBars points={w.sparklinePoints} width={120} height={24} label={`Runs of ${w.name}`} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </>
          )}
        </QueryView>
      </div>
    </PluginPage>
  );
}
