import { Alert, LoadingPlaceholder } from '@grafana/ui';
import React, { type ReactNode } from 'react';

import type { QueryState } from '../domain/useQuery.js';
import { testIds } from '../testIds.js';
import { ErrorView } from './ErrorView.js';

interface Props<T> {
  query: QueryState<T>;
  /** What to show instead when the answer holds nothing. */
  empty?: ReactNode;
  isEmpty?: (data: T) => boolean;
  children: (data: T) => ReactNode;
}

/** The loading, error and empty states every view shares, around what it shows when there is data. */
export function QueryView<T>({ query, empty, isEmpty, children }: Props<T>) {
  // A refresh that failed: what was shown stays, under word that it is no longer current.
  const stale = query.error !== undefined && query.data !== undefined;
  if (query.error && !stale) {
    return <ErrorView error={query.error} />;
  }
  if (query.data === undefined) {
    return <LoadingPlaceholder text="Loading…" data-testid={testIds.state.loading} />;
  }
  return (
    <>
      {stale && (
        <Alert severity="warning" title="Refreshing failed: showing the last answer" data-testid={testIds.state.stale}>
          {query.error!.message}
        </Alert>
      )}
      {empty !== undefined && isEmpty?.(query.data) ? empty : children(query.data)}
    </>
  );
}
