import { Alert, Badge, Button, Field, Stack, TextArea, useStyles2, type BadgeColor } from '@grafana/ui';
import React, { useId, useState } from 'react';

import { isNotFound } from '../api/FlowLensError.js';
import { getSession, startSession, verifySession } from '../api/resources.js';
import type { Session, SessionVerification } from '../api/types.js';
import { workflowUrl } from '../constants.js';
import { formatPercent, formatTime, humanize, toNestedItems } from '../domain/format.js';
import { useQuery } from '../domain/useQuery.js';
import { useTimeRange } from '../domain/useUrlState.js';
import { testIds } from '../testIds.js';
import { ErrorView } from './ErrorView.js';
import { InlineCode } from './InlineCode.js';
import { PageLink } from './PageLink.js';
import { QueryView } from './QueryView.js';
import { getPageStyles } from './styles.js';
import { TableHead } from './TableHead.js';

const VERDICT_COLORS: Record<SessionVerification['status'], BadgeColor> = { verified: 'green', failed: 'red', pending: 'blue' };

interface Props {
  workflow: string;
  /** The session the URL names; '' while the form to start one is open. */
  id: string;
  onStarted: (id: string) => void;
  onStartNew: () => void;
  onClose: () => void;
}

/** A troubleshooting session on the workflow: the form that starts one, or the session with its check of the fix. */
export function SessionView({ workflow, id, onStarted, onStartNew, onClose }: Props) {
  const styles = useStyles2(getPageStyles);
  // The session started here, shown as the agent answered rather than asked for again.
  const [started, setStarted] = useState<Session>();
  return (
    <section data-testid={testIds.session.panel} className={styles.panel}>
      <Stack justifyContent="space-between" alignItems="center">
        <h3 style={{ margin: 0 }}>Troubleshooting session</h3>
        <Button variant="secondary" size="sm" icon="times" onClick={onClose}>
          Close
        </Button>
      </Stack>
      {id ? (
        <LoadedSession key={id} id={id} started={started} onStartNew={onStartNew} />
      ) : (
        <StartForm
          workflow={workflow}
          onStarted={(session) => {
            setStarted(session);
            onStarted(session.id);
          }}
        />
      )}
    </section>
  );
}

function StartForm({ workflow, onStarted }: { workflow: string; onStarted: (session: Session) => void }) {
  const styles = useStyles2(getPageStyles);
  const inputId = useId();
  const [pasted, setPasted] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();

  const start = async () => {
    setBusy(true);
    setError(undefined);
    const errorLogs = pasted.split(/\r?\n/).filter((line) => line.trim() !== '');
    try {
      onStarted(await startSession({ workflow, ...(errorLogs.length > 0 && { errorLogs }) }));
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <p className={styles.muted}>
        A guided pass from what is wrong to whether it is fixed, from the workflow’s runs and findings and the error
        lines you paste.
      </p>
      <Field label="Paste error lines (optional)">
        <TextArea id={inputId} rows={6} value={pasted} onChange={(e) => setPasted(e.currentTarget.value)} />
      </Field>
      <Button onClick={start} disabled={busy}>
        {busy ? 'Starting…' : 'Start session'}
      </Button>
      {error && <ErrorView error={error} />}
    </>
  );
}

function LoadedSession({ id, started, onStartNew }: { id: string; started?: Session; onStartNew: () => void }) {
  const query = useQuery((signal) => (started?.id === id ? Promise.resolve(started) : getSession(id, signal)), [id]);
  if (isNotFound(query.error)) {
    return (
      <Alert severity="warning" title="This troubleshooting session is unknown to the agent.">
        <Button variant="secondary" onClick={onStartNew}>
          Start a new session
        </Button>
      </Alert>
    );
  }
  return <QueryView query={query}>{(session) => <SessionPhases session={session} />}</QueryView>;
}

function SessionPhases({ session }: { session: Session }) {
  const styles = useStyles2(getPageStyles);
  const [range] = useTimeRange();
  // The session stays open beside the run it links to, in the same time range.
  const compareUrl =
    session.compared && workflowUrl(session.workflow, `?${new URLSearchParams({ ...range, session: session.id, run: session.compared.runId })}`);
  return (
    <>
      <p className={styles.muted}>
        {session.workflow} · started {formatTime(session.startedMs)}
      </p>
      {session.phases.map((phase) => (
        <div key={phase.name} data-testid={testIds.session.phase(phase.name)}>
          <h4>{phase.name.charAt(0).toUpperCase() + phase.name.slice(1)}</h4>
          <p>
            <InlineCode text={phase.summary} />
          </p>
          {/* The agent words the diagnosis' items from the hypotheses; the list of them says the same, with badges. */}
          {phase.name === 'diagnosis' && session.hypotheses.length > 0 ? (
            <Hypotheses hypotheses={session.hypotheses} />
          ) : (
            <PhaseItems items={phase.items} />
          )}
          {phase.name === 'analysis' && compareUrl && (
            <p>
              <PageLink href={compareUrl} inline>
                Compare the newest failed run with the last successful one
              </PageLink>
            </p>
          )}
          {phase.name === 'verification' && <Verification id={session.id} />}
        </div>
      ))}
    </>
  );
}

function PhaseItems({ items }: { items: string[] }) {
  const styles = useStyles2(getPageStyles);
  if (items.length === 0) {
    return null;
  }
  // By position: lines may repeat, and the list never reorders.
  return (
    <ul className={styles.list}>
      {toNestedItems(items).map((item, i) => (
        <li key={i}>
          <InlineCode text={item.text} />
          {item.children.length > 0 && (
            <ul className={styles.list}>
              {item.children.map((child, j) => (
                <li key={j}>
                  <InlineCode text={child} />
                </li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ul>
  );
}

function Hypotheses({ hypotheses }: { hypotheses: Session['hypotheses'] }) {
  const styles = useStyles2(getPageStyles);
  return (
    <ul className={styles.list} data-testid={testIds.session.hypotheses}>
      {hypotheses.map((h) => (
        <li key={h.fingerprint}>
          <InlineCode text={h.title} /> · confidence {formatPercent(h.confidence, 0)}
          {h.matchesLogs && (
            <>
              {' '}
              <Badge color="blue" icon="document-info" text="matches pasted logs" />
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

function Verification({ id }: { id: string }) {
  const styles = useStyles2(getPageStyles);
  const [verdict, setVerdict] = useState<SessionVerification>();
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);

  const check = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setVerdict(await verifySession(id));
    } catch (err) {
      // An earlier verdict would pass for this check's.
      setVerdict(undefined);
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Button icon="check-circle" onClick={check} disabled={busy}>
        {busy ? 'Checking…' : 'Check the fix'}
      </Button>
      {error && <ErrorView error={error} />}
      {verdict && (
        <div data-testid={testIds.session.verdict}>
          <div>
            <Badge color={VERDICT_COLORS[verdict.status]} text={verdict.status} /> {verdict.runs}{' '}
            {verdict.runs === 1 ? 'run' : 'runs'} since the session started
          </div>
          <table className={styles.table}>
            <TableHead columns={['Check', 'Result', 'Detail']} />
            <tbody>
              {verdict.checks.map((c) => (
                <tr key={c.name}>
                  <td>{humanize(c.name)}</td>
                  <td>
                    <CheckBadge state={c.state ?? (c.passed ? 'passed' : 'failed')} />
                  </td>
                  <td>{c.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

const CHECK_BADGES = {
  passed: { color: 'green', icon: 'check', text: 'passed' },
  failed: { color: 'red', icon: 'times', text: 'failed' },
  waiting: { color: 'blue', icon: 'clock-nine', text: 'waiting for runs' },
} as const;

function CheckBadge({ state }: { state: keyof typeof CHECK_BADGES }) {
  const { color, icon, text } = CHECK_BADGES[state];
  return <Badge color={color} icon={icon} text={text} />;
}
