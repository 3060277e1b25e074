import { Alert, TextLink } from '@grafana/ui';
import React from 'react';

import { FlowLensError, type FlowLensErrorKind } from '../api/FlowLensError.js';
import { PLUGIN_ID } from '../constants.js';
import { testIds } from '../testIds.js';

const CONFIG_URL = `/plugins/${PLUGIN_ID}`;

const ADVICE: Record<FlowLensErrorKind, { title: string; checks: string[] }> = {
  unreachable: {
    title: 'The FlowLens agent is unreachable',
    checks: [
      'Is the agent running? Its /readyz answers 200 when it is ready.',
      "Is the agent URL in the plugin's configuration an address Grafana's server (not your browser) can reach?",
      'Do a firewall, proxy or container network sit between Grafana and the agent?',
    ],
  },
  unauthorized: {
    title: 'The agent refused the API token',
    checks: ["Set the agent's API token in the plugin's configuration, or reset it if the agent's token changed."],
  },
  not_found: {
    title: 'Not found',
    checks: ['The name may be misspelled, or the data aged out of the agent’s retention window.'],
  },
  bad_request: {
    title: 'The agent rejected the request',
    checks: ['Check the time range and filters in the address bar.'],
  },
  server: {
    title: 'The agent failed to answer',
    checks: ["The agent's own log says why."],
  },
};

/** Explains a failed request in terms of what to check, with the agent's own message as detail. */
export function ErrorView({ error }: { error: Error }) {
  const flowLensError = error instanceof FlowLensError ? error : undefined;
  const advice = flowLensError ? ADVICE[flowLensError.kind] : ADVICE.server;
  return (
    <Alert severity="error" title={advice.title} data-testid={testIds.state.error}>
      <p>
        {flowLensError ? `HTTP ${flowLensError.status || 'no answer'}: ${flowLensError.detail}` : error.message}
      </p>
      <ul style={{ paddingLeft: 24 }}>
        {advice.checks.map((check) => (
          <li key={check}>{check}</li>
        ))}
      </ul>
      {flowLensError && (flowLensError.kind === 'unreachable' || flowLensError.kind === 'unauthorized') && (
        <TextLink href={CONFIG_URL} inline={false}>
          Open the plugin configuration
        </TextLink>
      )}
    </Alert>
  );
}
