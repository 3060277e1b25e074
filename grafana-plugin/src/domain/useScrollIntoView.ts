import { useEffect, useRef } from 'react';

/**
 * Brings a drill-down (a finding, a run) into view once, when its content first shows: opened below a long list, or
 * by a link from an alert or a finding, it would otherwise open out of sight, below the fold.
 */
export function useScrollIntoView<T extends Element>(ready: boolean) {
  const ref = useRef<T>(null);
  const done = useRef(false);
  useEffect(() => {
    if (ready && !done.current) {
      done.current = true;
      ref.current?.scrollIntoView({ block: 'start' });
    }
  }, [ready]);
  return ref;
}
