/**
 * What a runner writes about a failure (GitHub's check-run annotations, n8n's error type) is the failure itself,
 * not what sets failing runs apart: every failure carries it, so taken for a cause it explained them all, and
 * joined unrelated workflows into one finding.
 */
import { describe, expect, it } from 'vitest';
import { analyse } from '../../src/analyse/index.js';
import type { FindingCandidate } from '../../src/model/finding.js';
import type { RunRecord } from '../../src/model/workflow.js';
import { pipelineRun } from './pipelines.js';
import { minerTemplateOf, newestEnd } from './scenario.js';

const HOUR = 3600_000;

function candidates(runs: RunRecord[]): FindingCandidate[] {
  return analyse({ nowMs: newestEnd(runs), runs, templateOf: minerTemplateOf(), config: {} }).candidates;
}

const causes = (c: FindingCandidate) => Object.keys(c.rootCause.attributes);

describe('outcome fields of a runner', () => {
  it("GitHub Actions' failure annotations explain no failure, and two repositories failing keep a finding each", () => {
    // otel-cicd-action copies a job's check-run annotations onto its span; a failed job has a `failure` one.
    const annotated = (message: string) => ({ 'github.job.annotations.0.level': 'failure', 'github.job.annotations.0.message': message });
    const runs = [
      ...Array.from({ length: 60 }, (_, i) =>
        pipelineRun('CI', i, i * HOUR, [
          { name: 'build', ms: 60_000 },
          i >= 40 ? { name: 'test (windows-latest)', ms: 90_000, error: 'Process completed with exit code 1.', attributes: annotated('Process completed with exit code 1.') } : { name: 'test (windows-latest)', ms: 90_000 },
        ]),
      ),
      ...Array.from({ length: 60 }, (_, i) =>
        pipelineRun('Deploy', i, i * HOUR + 600_000, [
          { name: 'Run terraform plan', ms: 30_000 },
          i >= 45
            ? { name: 'Run terraform apply', ms: 40_000, error: 'Error acquiring the state lock', attributes: annotated('Error acquiring the state lock') }
            : { name: 'Run terraform apply', ms: 40_000 },
        ]),
      ),
    ];
    const found = candidates(runs).filter((c) => c.kind !== 'anomaly');
    for (const c of found) {
      expect(causes(c).filter((key) => key.includes('annotations'))).toEqual([]);
      expect(c.workflows ?? [c.workflow]).toHaveLength(1);
    }
    expect(found.find((c) => c.workflow === 'CI')?.rootCause.step).toBe('test (windows-latest)');
    expect(found.find((c) => c.workflow === 'Deploy')?.rootCause.step).toBe('Run terraform apply');
  });

  it("n8n's error type is not a cause: the credential that changed when the failures began is", () => {
    const runs = Array.from({ length: 80 }, (_, i) => {
      const after = i >= 50;
      const failing = after && i % 4 !== 0;
      return pipelineRun(
        'CRM Sync',
        i,
        i * HOUR,
        [
          { name: 'Fetch contacts', ms: 5_000 },
          {
            name: 'Upsert HubSpot',
            ms: 8_000,
            attributes: { 'n8n.node.credential.id': after ? 'cred-42' : 'cred-17' },
            ...(failing && { error: 'The service is receiving too many requests from you' }),
          },
        ],
        failing ? { 'n8n.execution.error_type': 'NodeApiError' } : {},
      );
    });
    const found = candidates(runs).filter((c) => c.kind !== 'anomaly');
    expect(found.length).toBeGreaterThan(0);
    for (const c of found) expect(causes(c)).not.toContain('n8n.execution.error_type');
    expect(found.flatMap(causes)).toContain('n8n.node.credential.id');
  });
});
