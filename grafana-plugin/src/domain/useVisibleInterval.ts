import { useEffect } from 'react';

/**
 * Calls `tick` every `ms` while the page shows: a hidden tab (another tab in front, a minimised window) would ask the
 * agent for what nobody reads. A tick due while hidden is skipped and made up at once when the page shows again,
 * whose interval starts over from there. `ms` undefined: never.
 */
export function useVisibleInterval(tick: () => void, ms: number | undefined) {
  useEffect(() => {
    if (ms === undefined) {
      return;
    }
    let missed = false;
    let timer: ReturnType<typeof setInterval>;
    const start = () => {
      timer = setInterval(() => (document.visibilityState === 'hidden' ? (missed = true) : tick()), ms);
    };
    const onVisibilityChange = () => {
      if (document.visibilityState === 'hidden' || !missed) {
        return;
      }
      missed = false;
      clearInterval(timer);
      tick();
      start();
    };
    start();
    document.addEventListener('visibilitychange', onVisibilityChange);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisibilityChange);
    };
  }, [tick, ms]);
}
