import type { AppPluginMeta } from '@grafana/data';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import React from 'react';
import { describe, expect, it } from 'vitest';

import type { AppSettings } from '../api/pluginSettings.js';
import { useRecordedBackend, type Route } from '../test/recordedBackend.js';
import { testIds } from '../testIds.js';
import { AppConfig, type AppConfigProps } from './AppConfig.js';

const SETTINGS = 'POST api/plugins/flowlens-workflows-app/settings';

function renderConfig(meta: Partial<AppPluginMeta<AppSettings>>) {
  const plugin = { meta: { id: 'flowlens-workflows-app', enabled: true, pinned: true, ...meta } } as AppConfigProps['plugin'];
  render(<AppConfig plugin={plugin} query={{}} />);
}

function testResultAfterClick(routes: Record<string, Route>) {
  useRecordedBackend(routes);
  renderConfig({ jsonData: { agentUrl: 'http://agent:9470' } });
  return userEvent.click(screen.getByTestId(testIds.config.test)).then(() => screen.findByTestId(testIds.config.testResult));
}

describe('Configuration page', () => {
  it('names its inputs by their labels, before and after a token is set', () => {
    renderConfig({ jsonData: { agentUrl: 'http://agent:9470' } });
    expect(screen.getByRole('textbox', { name: /^Agent URL/ })).toHaveValue('http://agent:9470');
    expect(screen.getByLabelText(/^API token/)).toHaveAttribute('type', 'password');
    cleanup();
    renderConfig({ jsonData: {}, secureJsonFields: { apiToken: true } });
    expect(screen.getByRole('textbox', { name: /^API token/ })).toHaveValue('configured');
  });

  it('saves the agent URL and a new token to Grafana', async () => {
    const seen = useRecordedBackend({ [SETTINGS]: {} });
    renderConfig({ jsonData: {} });
    await userEvent.type(screen.getByTestId(testIds.config.agentUrl), 'http://flowlens:9470');
    await userEvent.type(screen.getByPlaceholderText('Agent API token'), 's3cret');
    await userEvent.click(screen.getByTestId(testIds.config.save));

    expect(await screen.findByText('Settings saved.')).toBeInTheDocument();
    expect(seen).toEqual([
      {
        method: 'POST',
        path: 'api/plugins/flowlens-workflows-app/settings',
        params: {},
        data: { enabled: true, pinned: true, jsonData: { agentUrl: 'http://flowlens:9470' }, secureJsonData: { apiToken: 's3cret' } },
      },
    ]);
    // The token is now stored in Grafana, shown as configured, never echoed back.
    expect(screen.getByDisplayValue('configured')).toBeDisabled();
  });

  it('keeps a configured token untouched unless it is reset', async () => {
    const seen = useRecordedBackend({ [SETTINGS]: {} });
    renderConfig({ jsonData: { agentUrl: 'http://old:9470' }, secureJsonFields: { apiToken: true } });
    expect(screen.getByDisplayValue('configured')).toBeDisabled();

    const url = screen.getByTestId(testIds.config.agentUrl);
    await userEvent.clear(url);
    await userEvent.type(url, 'http://new:9470');
    await userEvent.click(screen.getByTestId(testIds.config.save));
    await screen.findByText('Settings saved.');
    expect(seen[0]!.data).toEqual({ enabled: true, pinned: true, jsonData: { agentUrl: 'http://new:9470' } });

    await userEvent.click(screen.getByRole('button', { name: 'Reset' }));
    await userEvent.click(screen.getByTestId(testIds.config.save));
    await screen.findByText('Settings saved.');
    expect(seen[1]!.data).toMatchObject({ secureJsonData: { apiToken: '' } });
  });

  it('reports a ready agent', async () => {
    const result = await testResultAfterClick({ 'GET /readyz': { status: 'ready' } });
    expect(result).toHaveTextContent('Connected');
    expect(result).toHaveTextContent('The FlowLens agent at http://agent:9470 is ready.');
  });

  it.each([
    [502, 'Agent unreachable', 'reachable from the Grafana server'],
    [401, 'API token refused', 'Reset the token'],
    [404, 'Not a FlowLens agent', 'not its OTLP port'],
    [503, 'Agent not ready', 'is not ready'],
  ])('explains a failed connection test (HTTP %i)', async (status, title, advice) => {
    const result = await testResultAfterClick({ 'GET /readyz': () => ({ status, data: { error: { message: 'why' } } }) });
    expect(result).toHaveTextContent(title);
    expect(result).toHaveTextContent(advice);
    expect(result).toHaveTextContent(`HTTP ${status}: why`);
  });
});
