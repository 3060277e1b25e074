import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'grafana-plugin',
    include: ['src/**/*.test.{ts,tsx}'],
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/test/setup.ts'],
    testTimeout: 30_000,
    // Importing @grafana/ui dominates every file's cost; files share a worker's module cache instead of each
    // importing it again (each test sets its own backend and cleans up its DOM, so nothing leaks between files).
    isolate: false,
    // @grafana/ui pulls uPlot and other packages that import CSS; vitest must transform them, not Node.
    server: { deps: { inline: [/@grafana\//] } },
  },
});
