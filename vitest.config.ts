import { defineConfig } from 'vitest/config'

// Unit and integration tests: plain Node, no Electron, no browser. Browser tests live in tests/e2e
// and run with vitest.e2e.config.ts after a renderer build.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'tests/integration/**/*.test.ts', 'eslint-rules/**/*.test.js'],
    exclude: ['tests/e2e/**', 'node_modules/**', 'out/**'],
    globalSetup: ['tests/helpers/fixtures-notice.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
})
