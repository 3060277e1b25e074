import { describe, expect, it } from 'vitest';
import { analyse } from '../../src/analyse/index.js';
import { seededRandom } from '../../src/analyse/prng.js';
import { hourly, run } from './runs.js';

const HOUR = 3600_000;
const templateOf = (m: string) => ({ templateId: m, template: m });

describe('isolated anomalous runs', () => {
  it('names the step that makes a few recent runs stand out, at low severity', () => {
    // Four of the last twenty runs have a 4× slower step, interleaved with normal ones: no sustained shift.
    const runs = hourly('etl', 300, (i, r) => {
      if (![282, 287, 292, 297].includes(i)) return r;
      const slow = { ...r.steps[0]!, durationMs: r.durationMs * 4, endMs: r.startMs + r.durationMs * 4 };
      return { ...r, durationMs: slow.durationMs, endMs: slow.endMs, steps: [slow] };
    });
    const out = analyse({ nowMs: 300 * HOUR, runs, templateOf, config: {} });
    const anomaly = out.candidates.find((c) => c.kind === 'anomaly')!;
    expect(anomaly.fingerprint).toBe('anomaly|etl|outliers');
    expect(anomaly.severity).toBe('low');
    expect(anomaly.rootCause.step).toBe('work');
    expect(anomaly.evidence.affectedRuns).toBe(4);
    expect(anomaly.evidence.exampleRunIds).toEqual(['etl:297', 'etl:292', 'etl:287', 'etl:282']);
  });
});

describe('slow step inside another step', () => {
  it('names the nested step that carries the slowdown, not its parent', () => {
    const rand = seededRandom(11);
    const runs = Array.from({ length: 300 }, (_, i) => {
      const base = run('deploy', i, i * HOUR, 1000);
      const upload = (i >= 260 ? 60_000 : 10_000) * (0.9 + 0.2 * rand());
      const verify = 5000 * (0.9 + 0.2 * rand());
      const start = base.startMs;
      const step = (id: string, name: string, from: number, ms: number, parentId?: string) => ({
        ...base.steps[0]!, id: `${id}${i}`, name, startMs: from, endMs: from + ms, durationMs: ms, ...(parentId ? { parentId: `${parentId}${i}` } : {}),
      });
      const steps = [step('p', 'release', start, upload + verify), step('u', 'upload', start, upload, 'p'), step('v', 'verify', start + upload, verify, 'p')];
      return { ...base, steps, durationMs: upload + verify, endMs: start + upload + verify };
    });
    const out = analyse({ nowMs: 300 * HOUR, runs, templateOf, config: {} });
    const anomaly = out.candidates.find((c) => c.kind === 'anomaly')!;
    expect(anomaly.rootCause).toMatchObject({ step: 'upload', stepPath: ['release'] });
    expect(anomaly.title).toMatch(/^Step `release › upload` of `deploy` is \d\.\d× slower/);
  });
});

