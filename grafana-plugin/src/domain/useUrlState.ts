import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';

import type { TimeRange } from '../api/types.js';

/**
 * Page state kept in the URL query so a link (or an alert annotation) opens the same view. Values equal to their
 * default are left out of the URL.
 */
export function useUrlState<K extends string>(
  defaults: Record<K, string>
): [Record<K, string>, (patch: Partial<Record<K, string | undefined>>) => void] {
  const [params, setParams] = useSearchParams();
  const values = useMemo(() => {
    const out = { ...defaults };
    for (const key of Object.keys(defaults) as K[]) {
      out[key] = params.get(key) ?? defaults[key];
    }
    return out;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [params]);

  const update = useCallback(
    (patch: Partial<Record<K, string | undefined>>) =>
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          for (const [key, value] of Object.entries(patch) as Array<[K, string | undefined]>) {
            if (value === undefined || value === '' || value === defaults[key]) {
              next.delete(key);
            } else {
              next.set(key, value);
            }
          }
          return next;
        },
        { replace: true }
      ),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [setParams]
  );
  return [values, update];
}

export const DEFAULT_TIME_RANGE: TimeRange = { from: 'now-24h', to: 'now' };

/** The time range shared by every page: `from`/`to` as the agent accepts them (ISO or `now-7d`). */
export function useTimeRange(): [TimeRange, (range: TimeRange) => void] {
  const [range, setRange] = useUrlState({ from: DEFAULT_TIME_RANGE.from, to: DEFAULT_TIME_RANGE.to });
  return [range, setRange];
}
