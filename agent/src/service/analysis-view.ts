import { randomUUID } from 'node:crypto';
import { createSession, verifySession, type Session } from '../analyse/index.js';
import type { AnalysisView } from '../api/deps.js';
import type { Store, TemplateOf } from '../store/store.js';
import type { AnalysisService } from './analysis-service.js';

const SESSION_HISTORY_MS = 14 * 86_400_000;

/** The analysis results as the API shows them, and troubleshooting sessions kept in the store. */
export function createAnalysisView(service: AnalysisService, store: Store, templateOf: TemplateOf): AnalysisView {
  return {
    health: (workflow) => service.output?.health.get(workflow),
    slos: () => service.output?.slos ?? [],
    analyseNow: async () => ({ ...(await service.run()) }),
    startSession: ({ workflow, errorLogs, metrics }) => {
      const nowMs = store.latestEventMs() ?? Date.now();
      const session = createSession({
        workflow,
        nowMs,
        // A user action, at the agent's clock: the fix is in from now on, whenever the newest run ended.
        startedMs: Date.now(),
        runs: store.runs({ workflow, fromMs: nowMs - SESSION_HISTORY_MS, toMs: nowMs }),
        candidates: service.output?.candidates ?? [],
        ...(errorLogs && { errorLogs: errorLogs.join('\n') }),
        ...(metrics && { metrics }),
        templateOf,
      });
      const id = randomUUID();
      store.saveSession(id, workflow, session.startedMs, session);
      return { id, ...session };
    },
    session: (id) => {
      const saved = store.session(id);
      return saved && { id, ...(saved.body as Session) };
    },
    verifySession: (id) => {
      const saved = store.session(id);
      if (!saved) return undefined;
      const session = saved.body as Session;
      const runs = store.runs({ workflow: saved.workflow, fromMs: session.startedMs, toMs: Number.MAX_SAFE_INTEGER });
      return { id, workflow: saved.workflow, ...verifySession(session, runs, templateOf) };
    },
  };
}
