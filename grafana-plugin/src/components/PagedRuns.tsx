import { Button, Stack, useStyles2 } from '@grafana/ui';
import React, { useState } from 'react';

import { listRuns } from '../api/resources.js';
import type { TimeRange } from '../api/types.js';
import { useQuery } from '../domain/useQuery.js';
import { QueryView } from './QueryView.js';
import { RunsTable } from './RunsTable.js';
import { getPageStyles } from './styles.js';

/** Runs listed at first and added on each request. */
const PAGE = 25;
/** The most runs the agent lists in one answer (its `limit`). */
const AGENT_MAX = 1000;

interface Props {
  workflow: string;
  query: TimeRange & { status?: string; attributes?: string[] };
  /** Shown when no run matches. */
  empty: string;
  selectedId?: string;
  onSelect: (id: string) => void;
}

/**
 * A workflow's runs, newest first, a page at a time. The agent says neither how many match nor where a page ends,
 * so one run more than shown is asked for: its presence says that more exist. Keyed by its query, so that another
 * filter starts again at one page.
 */
export function PagedRuns({ workflow, query, empty, selectedId, onSelect }: Props) {
  const styles = useStyles2(getPageStyles);
  const [shown, setShown] = useState(PAGE);
  const runs = useQuery(
    (signal) => listRuns(workflow, { ...query, limit: Math.min(shown + 1, AGENT_MAX) }, signal),
    [workflow, shown]
  );
  return (
    <QueryView query={runs} isEmpty={(d) => d.items.length === 0} empty={<p className={styles.muted}>{empty}</p>}>
      {({ items }) => (
        <>
          <RunsTable runs={items.slice(0, shown)} selectedId={selectedId} onSelect={onSelect} />
          {items.length > shown && (
            <Stack gap={1} alignItems="center">
              <span className={styles.muted}>The newest {shown} runs; more match in this time range.</span>
              <Button size="sm" variant="secondary" disabled={runs.loading} onClick={() => setShown(Math.min(shown + PAGE, AGENT_MAX))}>
                {runs.loading ? 'Loading…' : `Show ${Math.min(PAGE, AGENT_MAX - shown)} more`}
              </Button>
            </Stack>
          )}
          {shown === AGENT_MAX && items.length === AGENT_MAX && (
            <p className={styles.muted}>The newest {AGENT_MAX} runs, as many as the agent lists at once: narrow the time range for older ones.</p>
          )}
        </>
      )}
    </QueryView>
  );
}
