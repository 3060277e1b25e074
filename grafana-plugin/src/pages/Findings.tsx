import { PluginPage } from '@grafana/runtime';
import { Combobox, Field, RadioButtonGroup, useStyles2 } from '@grafana/ui';
import React from 'react';

import { listFindings, listWorkflows } from '../api/resources.js';
import type { Category, FindingKind } from '../api/types.js';
import { AllHealthy } from '../components/EmptyStates.js';
import { FindingDetail } from '../components/FindingDetail.js';
import { FindingsTable } from '../components/FindingsTable.js';
import { QueryView } from '../components/QueryView.js';
import { RefreshControl } from '../components/RefreshControl.js';
import { getPageStyles } from '../components/styles.js';
import { humanize, SEVERITIES } from '../domain/format.js';
import { useQuery } from '../domain/useQuery.js';
import { useUrlState } from '../domain/useUrlState.js';
import { testIds } from '../testIds.js';

const KINDS: FindingKind[] = ['anomaly', 'error_pattern', 'correlation', 'flaky', 'queue', 'trend', 'sla', 'stalled', 'rule'];
const CATEGORIES: Category[] = [
  'configuration',
  'connectivity',
  'permissions',
  'performance',
  'data',
  'logic',
  'external_service',
  'timeout',
  'resource',
];

const all = (values: string[]) => [{ label: 'all', value: '' }, ...values.map((value) => ({ label: humanize(value), value }))];

/** Findings with every filter in the URL; `?finding=<id>` opens one, so it can be linked from an alert. */
export function Findings() {
  const styles = useStyles2(getPageStyles);
  const [filter, setFilter] = useUrlState({ severity: '', status: '', category: '', kind: '', workflow: '', finding: '' });
  const { finding: selected, ...listFilter } = filter;
  const query = useQuery(
    (signal) => listFindings(listFilter, signal),
    [filter.severity, filter.status, filter.category, filter.kind, filter.workflow]
  );
  const workflows = useQuery((signal) => listWorkflows({ from: 'now-30d', to: 'now' }, signal), []);
  const workflowOptions = all((workflows.data?.items ?? []).map((w) => w.name));
  const filtered = Object.values(listFilter).some((v) => v !== '');

  return (
    <PluginPage subTitle="What the agent found, with root cause, evidence and what to do">
      <div data-testid={testIds.findings.page}>
        <div className={styles.toolbar}>
          {/* A group of radio buttons has no input for a label to point at: it is named itself. */}
          <Field label="Severity">
            <RadioButtonGroup
              aria-label="Severity"
              size="sm"
              options={all(SEVERITIES)}
              value={filter.severity}
              onChange={(severity) => setFilter({ severity })}
            />
          </Field>
          <Field label="Status">
            <RadioButtonGroup
              aria-label="Status"
              size="sm"
              options={all(['open', 'acknowledged', 'resolved'])}
              value={filter.status}
              onChange={(status) => setFilter({ status })}
            />
          </Field>
          <Field label="Category" htmlFor="flowlens-findings-category">
            <Combobox id="flowlens-findings-category" width={22} options={all(CATEGORIES)} value={filter.category} onChange={(o) => setFilter({ category: o.value })} />
          </Field>
          <Field label="Kind" htmlFor="flowlens-findings-kind">
            <Combobox id="flowlens-findings-kind" width={18} options={all(KINDS)} value={filter.kind} onChange={(o) => setFilter({ kind: o.value })} />
          </Field>
          <Field label="Workflow" htmlFor="flowlens-findings-workflow">
            <Combobox id="flowlens-findings-workflow" width={28} options={workflowOptions} value={filter.workflow} onChange={(o) => setFilter({ workflow: o.value })} />
          </Field>
          {/* Labelled as the filters are, so it lines up with their controls rather than their margins. */}
          <Field label="Auto refresh">
            <RefreshControl />
          </Field>
        </div>
        <QueryView
          query={query}
          isEmpty={(d) => d.items.length === 0}
          empty={
            filtered ? (
              <p className={styles.muted}>No finding matches these filters.</p>
            ) : (
              <AllHealthy what="The agent has found nothing wrong with any workflow." />
            )
          }
        >
          {(data) => <FindingsTable findings={data.items} selectedId={selected} onSelect={(finding) => setFilter({ finding })} />}
        </QueryView>
        {selected && <FindingDetail key={selected} id={selected} onChanged={query.reload} />}
      </div>
    </PluginPage>
  );
}
