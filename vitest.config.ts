import { defineConfig } from 'vitest/config';

// One `vitest run` at the root runs every workspace's suite and the cross-component tests in test/.
export default defineConfig({
  test: {
    projects: ['agent', 'grafana-plugin', 'test'],
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
