/** Test ids the component tests and the browser test look for; one place so they cannot drift apart. */
export const testIds = {
  overview: {
    page: 'flowlens-overview',
    row: (name: string) => `flowlens-overview-row-${name}`,
    senderClocks: 'flowlens-overview-sender-clocks',
  },
  workflow: {
    page: 'flowlens-workflow',
    factors: 'flowlens-workflow-health-factors',
    healthCap: 'flowlens-workflow-health-cap',
    timeline: 'flowlens-workflow-timeline',
    changes: 'flowlens-workflow-changes',
    steps: 'flowlens-workflow-steps',
    slo: 'flowlens-workflow-slo',
    runs: 'flowlens-workflow-runs',
    run: (id: string) => `flowlens-run-${id}`,
  },
  run: {
    detail: 'flowlens-run-detail',
    logs: 'flowlens-run-logs',
    comparison: 'flowlens-run-comparison',
    comparisonSteps: 'flowlens-run-comparison-steps',
  },
  session: {
    panel: 'flowlens-session-panel',
    phase: (name: string) => `flowlens-session-phase-${name}`,
    hypotheses: 'flowlens-session-hypotheses',
    verdict: 'flowlens-session-verdict',
  },
  findings: {
    page: 'flowlens-findings',
    list: 'flowlens-findings-list',
    row: (id: string) => `flowlens-finding-row-${id}`,
    detail: 'flowlens-finding-detail',
    exampleRuns: 'flowlens-finding-example-runs',
  },
  recommendations: {
    page: 'flowlens-recommendations',
    group: (workflow: string) => `flowlens-recommendations-${workflow}`,
  },
  config: {
    page: 'flowlens-config',
    agentUrl: 'flowlens-config-agent-url',
    apiToken: 'flowlens-config-api-token',
    save: 'flowlens-config-save',
    test: 'flowlens-config-test',
    testResult: 'flowlens-config-test-result',
  },
  state: {
    loading: 'flowlens-loading',
    error: 'flowlens-error',
    stale: 'flowlens-stale',
    noData: 'flowlens-no-data',
    allHealthy: 'flowlens-all-healthy',
  },
} as const;
