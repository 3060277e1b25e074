import { Alert, EmptyState, TextLink } from '@grafana/ui';
import React from 'react';

import { testIds } from '../testIds.js';

/** The agent answers but holds no runs in this time range: say how telemetry gets there. */
export function NoDataYet() {
  return (
    <div data-testid={testIds.state.noData}>
      <EmptyState variant="not-found" message="No workflow runs in this time range yet">
        <p>FlowLens learns about workflows from the traces and logs your runners send it over OTLP.</p>
        <ul style={{ textAlign: 'left', paddingLeft: 24 }}>
          <li>
            Point the runner’s OpenTelemetry exporter at the agent: <code>OTEL_EXPORTER_OTLP_ENDPOINT=http://&lt;agent&gt;:4318</code>{' '}
            (HTTP) or port 4317 (gRPC).
          </li>
          <li>
            GitHub Actions, Jenkins, Temporal, Airflow, n8n and Argo all emit OTLP; see{' '}
            <TextLink href="https://opentelemetry.io/docs/specs/semconv/cicd/" external>
              the CI/CD conventions
            </TextLink>
            .
          </li>
          <li>Runs already sent? Widen the time range.</li>
        </ul>
      </EmptyState>
    </div>
  );
}

/** Everything checked out: tell the person so, rather than showing an empty list. */
export function AllHealthy({ what }: { what: string }) {
  return (
    <Alert severity="success" title="Nothing wrong" data-testid={testIds.state.allHealthy}>
      {what}
    </Alert>
  );
}
