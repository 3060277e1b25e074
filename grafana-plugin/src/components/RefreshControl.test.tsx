import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { currentUrl, renderApp } from '../test/renderApp.js';
import { useRecordedBackend } from '../test/recordedBackend.js';

describe('the refresh control of every page', () => {
  it.each([
    ['overview', '/api/v1/workflows'],
    ['workflow/nightly-etl', '/api/v1/workflows/nightly-etl'],
    ['findings', '/api/v1/findings'],
    ['recommendations', '/api/v1/recommendations'],
  ])('on %s shows the interval a link names, asks again on request, and keeps the interval chosen in the URL', async (page, path) => {
    // What the agent answers is beside the point: the control stands above every answer, errors too.
    const seen = useRecordedBackend({});
    const asked = () => seen.filter((r) => r.path === path).length;
    renderApp(`/a/flowlens-workflows-app/${page}?refresh=1m`);
    const interval = await screen.findByRole('button', { name: /current interval 1 minute selected/ });
    await waitFor(() => expect(asked()).toBe(1));

    await userEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    expect(asked()).toBe(2);
    await userEvent.click(interval);
    await userEvent.click(await screen.findByRole('menuitemradio', { name: '30 seconds' }));
    expect(currentUrl.value).toContain('refresh=30s');
  });
});
