/** Vitest globalSetup: says once, before any test, why tests that need the no_robots fixture are skipped. */
import { hasNoRobots, NO_ROBOTS_ABSENT } from './fixtures'

export default function setup(): void {
  if (!hasNoRobots) console.log(`[fixtures] ${NO_ROBOTS_ABSENT}`)
}
