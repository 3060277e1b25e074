import { useEffect, useRef } from 'react';

/**
 * Brings a drill-down (a finding, a run) into view once, when its content first shows: opened below a long list, or
 * by a link from an alert or a finding, it would otherwise open out of sight, below the fold. Focus moves to its
 * heading (`heading`, which needs `tabIndex={-1}`): opened with the keyboard, focus would stay on the row it was
 * opened from, and a screen reader would not say what opened.
 */
export function useScrollIntoView<T extends Element>(ready: boolean) {
  const ref = useRef<T>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const done = useRef(false);
  useEffect(() => {
    if (ready && !done.current) {
      done.current = true;
      ref.current?.scrollIntoView({ block: 'start' });
      // Already in view: focusing must not scroll it again.
      heading.current?.focus({ preventScroll: true });
    }
  }, [ready]);
  return { ref, heading };
}
