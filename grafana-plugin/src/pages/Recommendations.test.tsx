import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import shared from '../test/responses/recommendation-shared.json';
import recommendations from '../test/responses/recommendations.json';
import { renderApp } from '../test/renderApp.js';
import { useRecordedBackend } from '../test/recordedBackend.js';
import { testIds } from '../testIds.js';

describe('Recommendations page', () => {
  it('groups by workflow, the one with high-impact work first, and by impact within it', async () => {
    useRecordedBackend({ 'GET /api/v1/recommendations': recommendations });
    renderApp('/a/flowlens-workflows-app/recommendations');
    const etl = await screen.findByTestId(testIds.recommendations.group('nightly-etl'));
    const groups = screen.getAllByTestId(/^flowlens-recommendations-/);
    expect(groups.map((g) => g.getAttribute('data-testid'))).toEqual([
      testIds.recommendations.group('nightly-etl'),
      testIds.recommendations.group('order-saga'),
    ]);
    expect(within(etl).getAllByRole('heading', { level: 5 }).map((h) => h.textContent)).toEqual(['high impact', 'low impact']);
    expect(within(etl).getByText('Open the warehouse provider\'s status page.')).toBeInTheDocument();
    // Names the agent puts in backticks read as code.
    expect(within(etl).getByText('load_warehouse').tagName).toBe('CODE');
    expect(within(etl).getAllByRole('link', { name: 'finding' })[0]).toHaveAttribute(
      'href',
      '/a/flowlens-workflows-app/findings?finding=f-1'
    );
  });

  it('gives advice that several findings repeat once, at its highest impact, linking each finding', async () => {
    const [, advice] = recommendations.items;
    useRecordedBackend({
      'GET /api/v1/recommendations': { items: [{ ...advice!, findingId: 'f-4', severity: 'high', impact: 'medium' }, ...recommendations.items] },
    });
    renderApp('/a/flowlens-workflows-app/recommendations');
    const etl = await screen.findByTestId(testIds.recommendations.group('nightly-etl'));
    expect(within(etl).getAllByText("Check the warehouse API's status")).toHaveLength(1);
    expect(within(etl).getAllByRole('heading', { level: 5 }).map((h) => h.textContent)).toEqual(['high impact', 'low impact']);
    expect(within(etl).getAllByRole('link', { name: 'finding' }).map((a) => a.getAttribute('href'))).toEqual([
      '/a/flowlens-workflows-app/findings?finding=f-1',
      '/a/flowlens-workflows-app/findings?finding=f-4',
      '/a/flowlens-workflows-app/findings?finding=f-2',
    ]);
  });

  it("lists a shared finding's advice under each of its workflows, saying under the others whose finding it is", async () => {
    useRecordedBackend({ 'GET /api/v1/recommendations': { items: [shared] } });
    renderApp('/a/flowlens-workflows-app/recommendations');
    const own = await screen.findByTestId(testIds.recommendations.group('payments-sync'));
    expect(within(own).getByText('charge')).toBeInTheDocument();
    expect(own).not.toHaveTextContent('shared with');
    for (const other of ['invoice-export', 'geo-enrich']) {
      const group = screen.getByTestId(testIds.recommendations.group(other));
      expect(within(group).getByText('charge')).toBeInTheDocument();
      expect(within(group).getByRole('link', { name: 'the finding shared with payments-sync' })).toHaveAttribute(
        'href',
        '/a/flowlens-workflows-app/findings?finding=f-9'
      );
    }
  });

  it('says there is nothing to do when there are no recommendations', async () => {
    useRecordedBackend({ 'GET /api/v1/recommendations': { items: [] } });
    renderApp('/a/flowlens-workflows-app/recommendations');
    expect(await screen.findByTestId(testIds.state.allHealthy)).toHaveTextContent('nothing to recommend');
  });
});
