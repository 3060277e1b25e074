import { stepLabel, type Finding, type Severity } from '../model/finding.js';
import type { Logger } from '../runtime/logger.js';
import { appWorkflowUrl } from './app-link.js';

/**
 * Pushes findings to Alertmanager (`POST /api/v2/alerts`) as alerts named `FlowLensFinding`, the way Prometheus
 * does: open and acknowledged findings are re-sent every `resendInterval` with `endsAt` four intervals ahead
 * (four analysis passes, when passes come less often; 15 minutes at least), so Alertmanager resolves them by itself
 * if the agent goes away; a finding that resolved — or is no longer in the list — is sent once more with `endsAt` = now. A failed
 * push is logged and retried next cycle; `notify` never throws, so analysis never stops because Alertmanager is down.
 */

export interface AlertmanagerNotifierConfig {
  /** Alertmanager's base URL, e.g. http://127.0.0.1:9093. */
  url: string;
  /** Milliseconds between re-sends of a finding that stays open. */
  resendInterval: number;
  /** Base URL of the agent's API as users reach it; alerts link to `{externalUrl}/api/v1/findings/{id}`. */
  externalUrl: string;
  /** Base URL of Grafana; the `dashboard` annotation links to the workflow's page in the FlowLens app there. */
  grafanaUrl: string;
  /** The tenant whose findings these are ('' or absent: the default tenant, whose alerts carry no `tenant` label). */
  tenant?: string;
  /**
   * The Grafana organisation whose FlowLens app shows this tenant: the app shows the tenant of the API token in its
   * settings, which Grafana keeps per organisation, so the `dashboard` link selects the organisation (`?orgId=`).
   * Absent: the link opens in whatever organisation the user is in.
   */
  grafanaOrgId?: number;
  /**
   * How long from a time until the next analysis pass, if passes come on a schedule: an alert must outlast the wait
   * for the pass that re-sends it, on the first cycle (no gap since a previous one to go by) as across a schedule's
   * quiet hours (passes on working days only).
   */
  untilNextPassMs?: (nowMs: number) => number;
}

export interface AlertmanagerNotifierDeps {
  logger: Pick<Logger, 'warn' | 'debug'>;
  /** Wall clock in ms; Alertmanager judges startsAt/endsAt against real time. */
  now?: () => number;
  requestTimeoutMs?: number;
}

export interface AlertmanagerNotifier {
  /**
   * Give it every finding the agent holds (open, acknowledged and recently resolved) after each analysis pass;
   * a finding sent before and now missing is treated as resolved.
   */
  notify(findings: readonly Finding[]): Promise<void>;
}

/** Alertmanager API v2 `postableAlert`. */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
}

export const FINDING_ALERT_NAME = 'FlowLensFinding';
const RUNBOOK_URL = 'https://github.com/flowlens/flowlens/blob/main/alert-rules/RUNBOOK.md#flowlensfinding';
/** Like Prometheus: a firing alert is valid for this many resend intervals (or cycles) unless refreshed. */
const VALIDITY_INTERVALS = 4;
/**
 * And for this long at least: past `FlowLensAgentDown`'s five minutes, so an agent that stops is reported down
 * before its findings expire as if resolved, and one restarted meanwhile re-sends them without paging again.
 */
const MIN_VALIDITY_MS = 15 * 60_000;

const ALERT_SEVERITY: Record<Severity, 'critical' | 'warning' | 'info'> = {
  critical: 'critical',
  high: 'warning',
  medium: 'warning',
  low: 'info',
  info: 'info',
};

interface Sent {
  /** Labels and annotations as last sent; a change is sent at once, not at the next resend. */
  content: string;
  sentAtMs: number;
  alert: PostableAlert;
}

export function createAlertmanagerNotifier(config: AlertmanagerNotifierConfig, deps: AlertmanagerNotifierDeps): AlertmanagerNotifier {
  const endpoint = `${config.url.replace(/\/+$/, '')}/api/v2/alerts`;
  const now = deps.now ?? Date.now;
  const timeoutMs = deps.requestTimeoutMs ?? 10_000;
  /** Findings Alertmanager currently believes firing, by their alert identity (the label set). */
  const firing = new Map<string, Sent>();
  let previousCycleMs: number | undefined;
  let queue = Promise.resolve();

  async function cycle(findings: readonly Finding[]): Promise<void> {
    const nowMs = now();
    const cycleGapMs = Math.max(previousCycleMs === undefined ? 0 : nowMs - previousCycleMs, config.untilNextPassMs?.(nowMs) ?? 0);
    previousCycleMs = nowMs;
    const firingNow = new Map<string, { alert: PostableAlert; content: string }>();
    const resolving = new Map<string, PostableAlert>();
    for (const finding of findings) {
      for (const alert of findingAlerts(finding, config, nowMs)) {
        const key = identity(alert);
        if (finding.status === 'resolved') {
          if (firing.has(key)) resolving.set(key, alert);
        } else {
          firingNow.set(key, { alert, content: JSON.stringify([alert.labels, alert.annotations]) });
        }
      }
    }
    for (const [key, sent] of firing) {
      if (!firingNow.has(key) && !resolving.has(key)) resolving.set(key, sent.alert);
    }

    const due = [...firingNow].filter(([key, { content }]) => {
      const sent = firing.get(key);
      return !sent || sent.content !== content || nowMs - sent.sentAtMs >= config.resendInterval;
    });
    if (due.length === 0 && resolving.size === 0) return;

    const endsAt = new Date(nowMs + Math.max(MIN_VALIDITY_MS, VALIDITY_INTERVALS * Math.max(config.resendInterval, cycleGapMs))).toISOString();
    const resolvedAt = new Date(nowMs).toISOString();
    const body: PostableAlert[] = [
      ...due.map(([, { alert }]) => ({ ...alert, endsAt })),
      ...[...resolving.values()].map((alert) => ({ ...alert, endsAt: resolvedAt })),
    ];
    if (!(await post(body))) return;

    for (const [key, { alert, content }] of due) firing.set(key, { content, sentAtMs: nowMs, alert });
    for (const key of resolving.keys()) firing.delete(key);
    deps.logger.debug('findings sent to alertmanager', { firing: due.length, resolved: resolving.size });
  }

  async function post(alerts: PostableAlert[]): Promise<boolean> {
    try {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alerts),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (response.ok) return true;
      const text = (await response.text()).slice(0, 500);
      deps.logger.warn('alertmanager refused findings; retrying next cycle', { url: endpoint, status: response.status, body: text });
    } catch (error) {
      deps.logger.warn('cannot reach alertmanager; retrying next cycle', { url: endpoint, error: (error as Error).message });
    }
    return false;
  }

  return {
    notify(findings) {
      // One cycle at a time, so two passes never interleave their bookkeeping.
      queue = queue.then(() => cycle(findings)).catch((error: unknown) => {
        deps.logger.warn('alertmanager notification failed', { error: (error as Error).message });
      });
      return queue;
    },
  };
}

/**
 * The alerts for one finding (endsAt is set when sending): one per workflow it holds, as `flowlens_findings_open`
 * counts it under each. Their labels are their identity in Alertmanager: what may change while the finding stays
 * open (its own severity, within the same alert severity; which workflow it names first) is an annotation or left
 * out, so an alert is not resolved and opened anew, and a workflow that joins or leaves a shared finding opens or
 * resolves its own alert only. The tenant is a label: two tenants' findings of the same workflow and cause are two
 * alerts.
 */
export function findingAlerts(
  finding: Finding,
  config: Pick<AlertmanagerNotifierConfig, 'externalUrl' | 'grafanaUrl' | 'tenant' | 'grafanaOrgId'>,
  nowMs: number,
): PostableAlert[] {
  return (finding.workflows ?? [finding.workflow]).map((workflow) => findingAlert(finding, workflow, config, nowMs));
}

function findingAlert(
  finding: Finding,
  workflow: string,
  { externalUrl, grafanaUrl, tenant = '', grafanaOrgId }: Pick<AlertmanagerNotifierConfig, 'externalUrl' | 'grafanaUrl' | 'tenant' | 'grafanaOrgId'>,
  nowMs: number,
): PostableAlert {
  const labels = dropEmpty({
    alertname: FINDING_ALERT_NAME,
    workflow,
    kind: finding.kind,
    // The highest the finding reached while open: one that eases from critical to warning is the same page going
    // on, which a new alert on another route (and "resolved" on the paging one) would misreport. One that grows more
    // severe pages anew.
    severity: ALERT_SEVERITY[finding.peakSeverity ?? finding.severity],
    category: finding.category,
    fingerprint: finding.fingerprint,
    tenant,
  });
  const cause = finding.rootCause;
  const step = stepLabel(cause);
  const top = finding.recommendations[0];
  const annotations = dropEmpty({
    summary: finding.title,
    description: finding.summary,
    root_cause: step ? `${cause.description} (step ${step})` : cause.description,
    recommendation: top ? [top.title, ...top.steps].join('\n') : '',
    changes: finding.evidence.changes?.lines.join('\n') ?? '',
    finding_severity: finding.severity,
    runbook_url: RUNBOOK_URL,
    // The workflow's page in the FlowLens app, as the static alerts link it, in the tenant's organisation.
    dashboard: appWorkflowUrl(grafanaUrl, workflow, grafanaOrgId),
  });
  // Alertmanager refuses alerts that end before they start; findings carry event time, which may run ahead.
  const startsMs = Math.min(Date.parse(finding.firstSeen) || nowMs, nowMs);
  return {
    labels,
    annotations,
    startsAt: new Date(startsMs).toISOString(),
    endsAt: new Date(nowMs).toISOString(),
    generatorURL: `${externalUrl.replace(/\/+$/, '')}/api/v1/findings/${encodeURIComponent(finding.id)}`,
  };
}

function identity(alert: PostableAlert): string {
  return JSON.stringify(Object.entries(alert.labels).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Alertmanager treats an empty label as absent; leave such keys out. */
function dropEmpty(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== ''));
}
