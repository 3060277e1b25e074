import { describe, expect, it } from 'vitest';
import { runItems } from '../../src/analyse/correlation/attributes.js';
import { run } from './runs.js';

describe('a run as the attribute items correlation compares', () => {
  it('keeps what can explain, leaves out ids, times, URLs and the outcome itself', () => {
    const r = run('deploy', 1, 0, 1000, 'failure', {
      attributes: {
        'service.version': '2.4.0',
        replicas: 3,
        canary: true,
        'cicd.pipeline.run.id': 'r-1',
        'build.url': 'https://ci/1',
        'cicd.pipeline.run.url.full': 'https://ci/runs/1',
        'vcs.repository.url.full': 'https://git/repo',
        'url.path': '/orders/1',
        'http.route': '/orders/{id}',
        'cicd.pipeline.result': 'failure',
        'http.response.status_code': 502,
        labels: ['a'],
      },
    });
    r.steps[0]!.attributes = { 'host.name': 'worker-3' };
    r.steps[0]!.downstream = [{ name: 'db', kind: 'db', calls: 2, errors: 1, durationMs: 5 }];
    expect(runItems(r).sort()).toEqual(
      [
        'canary=true', 'downstream.error=db', 'downstream.failing=db', 'downstream=db', 'host.name=worker-3', 'http.response.status_code=502',
        'http.route=/orders/{id}', 'replicas=3', 'service.version=2.4.0',
      ],
    );
  });

  it('gives the same items past the point where the strings it keeps are started over', () => {
    // Unique values fill the bounded store of items made before many times over.
    for (let i = 0; i < 120_000; i += 1) runItems(run('etl', i, i, 1, 'success', { attributes: { 'customer.ref': `c-${i}` } }));
    const late = run('etl', 1, 1, 1, 'success', { attributes: { 'customer.ref': 'c-1', region: 'eu' } });
    expect(runItems(late).sort()).toEqual(['customer.ref=c-1', 'region=eu']);
  });
});
