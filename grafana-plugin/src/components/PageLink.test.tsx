import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import findings from '../test/responses/findings.json';
import recommendations from '../test/responses/recommendations.json';
import similar from '../test/responses/similar-f-1.json';
import workflows from '../test/responses/workflows.json';
import { appLinks, renderApp } from '../test/renderApp.js';
import { useRecordedBackend } from '../test/recordedBackend.js';

const agent = {
  'GET /api/v1/workflows': workflows,
  'GET /api/v1/findings': findings,
  'GET /api/v1/findings/f-1': findings.items[0],
  'GET /api/v1/findings/f-1/similar': similar,
  'GET /api/v1/recommendations': recommendations,
};

describe("links between the app's pages", () => {
  // The workflow page's links, which lead to its other views too, are checked with that page.
  it.each([
    ['overview?refresh=30s', 'nightly-etl'],
    ['findings?finding=f-1&refresh=30s', 'first affected run'],
    ['recommendations?refresh=30s', 'order-saga'],
  ])('from %s keep the auto-refresh interval', async (page, last) => {
    useRecordedBackend(agent);
    renderApp(`/a/flowlens-workflows-app/${page}`);
    await screen.findByRole('link', { name: last });
    expect(appLinks().length).toBeGreaterThan(0);
    expect(appLinks().filter((href) => new URL(href, 'http://grafana').searchParams.get('refresh') !== '30s')).toEqual([]);
  });
});
