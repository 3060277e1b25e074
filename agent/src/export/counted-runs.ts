import type { StepRecord } from '../model/workflow.js';

/**
 * Runs counted lately: enough to count what a finished run gains when its trace is re-derived (a step whose spans
 * came after the run's), and nothing twice. Steps are known by their span id, and a step whose spans include a
 * counted one (a retry merged with the try counted before it) is the same step. Bounded by runs and by steps: the oldest
 * are forgotten, so a run re-derived after many newer ones gains nothing in the metrics (nor does one counted before
 * a restart).
 */
export class CountedRuns {
  private readonly runs = new Map<string, CountedRun>();
  /**
   * The oldest run, through one live iterator: a new `entries()` starts at the map's first slot and walks over
   * every slot deleted before it (V8 compacts them only when its table is rehashed): 7–11 µs a run counted at the
   * bound, against under 1 µs. Runs are only ever appended (`take` moves one to the end), and each run the iterator
   * passes is removed, so the next it gives is the oldest.
   */
  private readonly oldest = this.runs.entries();
  /** Steps remembered across the runs: runs of thousands of steps would otherwise hold hundreds of megabytes. */
  private steps = 0;

  constructor(
    private readonly max = 10_000,
    private readonly maxSteps = 200_000,
  ) {}

  /** Remembers a run just counted (for the first time). */
  add(runId: string, run: CountedRun): void {
    this.runs.set(runId, run);
    this.grew(run.steps?.size ?? 0);
  }

  /** Steps counted since in a remembered run (`take`n before, so the newest): they count towards the bound. */
  grew(steps: number): void {
    this.steps += steps;
    while (this.runs.size > this.max || (this.steps > this.maxSteps && this.runs.size > 1)) {
      const [oldest, forgotten] = this.oldest.next().value!;
      this.runs.delete(oldest);
      this.steps -= forgotten.steps?.size ?? 0;
    }
  }

  /** A run counted before, made the newest (a run still gaining steps stays remembered); undefined when unknown. */
  take(runId: string): CountedRun | undefined {
    const run = this.runs.get(runId);
    if (run === undefined) return undefined;
    this.runs.delete(runId);
    this.runs.set(runId, run);
    return run;
  }
}

export interface CountedRun {
  /** The steps counted, by span id: whether the step's wait was recorded (a wait may come in a later span). */
  steps?: Map<string, boolean>;
  /** Whether the run's wait was recorded (runners report the waits of steps, which may come late). */
  waited: boolean;
}

/** The id under which `step` was counted in `run`, or undefined when it was not. */
export function countedAs(run: CountedRun, step: Pick<StepRecord, 'id' | 'spanIds'>): string | undefined {
  const steps = run.steps;
  if (steps === undefined) return undefined;
  if (steps.has(step.id)) return step.id;
  for (const id of step.spanIds) if (steps.has(id)) return id;
  return undefined;
}
