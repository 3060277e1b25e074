import { defineConfig } from 'vitest/config';

// Cross-component tests: real binaries, real sockets, several parts of the repository at once.
export default defineConfig({ test: { name: 'test', include: ['**/*.test.ts'], testTimeout: 120000, hookTimeout: 120000 } });
