import type { Finding } from '../api/types.js';
import { formatDuration, formatMeasure, formatPercent, formatTime } from './format.js';

/** What a finding's `affectedRuns`, `totalRuns` and `onset` say, in a sentence and in a table cell. */
export interface AffectedRuns {
  sentence: string;
  cell: string;
}

const runs = (n: number, what = 'run') => `${n} ${what}${n === 1 ? '' : 's'}`;

/**
 * The evidence's counts as each kind of finding means them: most count the runs hit since the onset, but an SLO's
 * count its bad runs over the SLO's window and date the current burn, a stalled schedule's count runs that never
 * happened, a hung run's are runs still running, and a user's rule tells the figure it matched over its window's runs.
 */
export function describeAffectedRuns({ kind, evidence }: Pick<Finding, 'kind' | 'evidence'>): AffectedRuns {
  const { affectedRuns: affected, totalRuns: total, onset } = evidence;
  const at = (words: string) => (onset ? `${words} ${formatTime(onset)}` : '');
  const share = formatPercent(total ? affected / total : undefined, 0);
  if (kind === 'sla') {
    const window = typeof evidence.details?.window === 'string' ? ` ${evidence.details.window}` : '';
    const max = evidence.baseline.maxDurationSeconds;
    const bad = typeof max === 'number' ? `failed or took over ${formatDuration(max)}` : 'failed';
    return {
      sentence: `${affected} of ${runs(total)} in the SLO's${window} window were bad (${bad})${at('; the current burn began at')}.`,
      cell: `${affected}/${total} bad (${share})`,
    };
  }
  if (kind === 'stalled' && 'missedRuns' in evidence.current) {
    return { sentence: `${runs(affected, 'scheduled run')} missed${at(', the first due at')}.`, cell: `${affected} missed` };
  }
  if (kind === 'stalled' && 'hungRuns' in evidence.current) {
    return {
      sentence: `${runs(affected)} still running long past the workflow's usual time${at(', the first judged hung at')}.`,
      cell: `${affected} hung`,
    };
  }
  const cell = `${affected}/${total} (${share})`;
  const details = evidence.details;
  if (kind === 'rule' && typeof details?.metric === 'string') {
    // The metric's figure against the threshold, which `baseline` holds under the metric's name.
    const figure = formatMeasure(details.metric, details.value);
    const threshold = formatMeasure(details.metric, evidence.baseline[details.metric]).text;
    const name = typeof details.rule === 'string' ? ` "${details.rule}"` : '';
    // The onset is the window's first run: a window without one has nothing to date.
    const over = total ? `over the ${runs(total)} in its window${at(', the first at')}` : 'with no run in its window';
    return { sentence: `Rule${name} matched: ${figure.label} ${figure.text} (threshold ${threshold}) ${over}.`, cell };
  }
  return { sentence: `${affected} of ${runs(total)} affected${at(', since')}.`, cell };
}
