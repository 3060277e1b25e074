import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'grafana-plugin',
    include: ['src/**/*.test.{ts,tsx}'],
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/test/setup.ts'],
    testTimeout: 30_000,
    // @grafana/ui pulls uPlot and other packages that import CSS; vitest must transform them, not Node.
    server: { deps: { inline: [/@grafana\//] } },
  },
});
