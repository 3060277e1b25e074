import { defineConfig } from 'vitest/config';

// Cross-component tests: each folder under test/ (browser/, alerting/, …) starts the real parts it needs.
export default defineConfig({
  test: {
    name: 'test',
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/.cache/**', '**/output/**'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
