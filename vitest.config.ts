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
    // The CLIs speak the language LC_ALL / LC_MESSAGES / LANG name; tests that read their English pin it here,
    // whatever the developer's terminal uses (the Chinese tests pass their environment explicitly).
    env: { LC_ALL: '', LC_MESSAGES: '', LANG: 'C.UTF-8' },
  },
})
