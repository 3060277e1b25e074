import type { HealthReport, SloReport } from '../analyse/index.js';
import type { SenderClocks } from '../ingest/sender-clocks.js';
import type { Store } from '../store/store.js';

/** What the API needs from the analysis service: its latest results, and a way to run it now. */
export interface AnalysisView {
  health(workflow: string): HealthReport | undefined;
  slos(): SloReport[];
  analyseNow(): Promise<Record<string, unknown>>;
  startSession(input: { workflow: string; errorLogs?: string[]; metrics?: Record<string, number> }): Record<string, unknown>;
  /** A session as it was started, for a link shared while troubleshooting. */
  session(id: string): Record<string, unknown> | undefined;
  verifySession(id: string): Record<string, unknown> | undefined;
}

export interface ApiDeps {
  store: Store;
  analysis: AnalysisView;
  /** Wall clock, for relative times in queries (`now-24h`). */
  now: () => number;
  ready: () => boolean;
  /** How far senders' clocks are from the agent's. */
  senders: Pick<SenderClocks, 'list'>;
}
