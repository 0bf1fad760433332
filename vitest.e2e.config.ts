import { defineConfig } from 'vitest/config'

// Browser tests: the built renderer served by the in-process browser bridge, driven in Debian's Chromium with
// playwright-core. globalSetup builds the renderer first, so `npm run test:e2e` works on a fresh clone.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['tests/e2e/**/*.test.ts'],
    globalSetup: ['tests/helpers/fixtures-notice.ts', 'tests/e2e/global-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // One Chromium and one training loop at a time: the machine has 2 cores.
    fileParallelism: false,
  },
})
