/**
 * A server that echoes the key it was sent (or another key-looking string) in an error: the run's stored
 * error and the events carry neither.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { startFakeTuft, type FakeTuft } from '../../../../tests/helpers/fake-tuft'
import { openDb, type Db } from '../store'
import type { RunEvent } from '../../../shared/runs'
import { startRun } from './index'

const KEY = 'server-key-without-prefix-7781'
const STRANGER = 'tml-0a1b2c3d4e5f60718293'

let home: string
let db: Db
let tuft: FakeTuft

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'error-secrets-'))
  db = openDb(path.join(home, 'studio.sqlite'))
  tuft = await startFakeTuft({ keys: [KEY] })
})

afterAll(async () => {
  await tuft.close()
  db.close()
  fs.rmSync(home, { recursive: true, force: true })
})

describe('secrets in server errors', () => {
  it('a key echoed by the server is neither stored with the run nor sent in its events', async () => {
    tuft.faults.push({
      match: (q) => q.path === '/api/v1/create_model',
      reply: { status: 400, json: { detail: `Failed to create model: no quota for key ${KEY} (shared with ${STRANGER})` } },
    })
    const events: RunEvent[] = []
    const h = startRun(
      // The key comes from TINKER_API_KEY, as for a CLI user.
      { db, env: { TINKER_API_KEY: KEY }, clientOptions: { retry: { maxAttempts: 1 } } },
      { server: { kind: 'remote', url: tuft.url }, dataset: { name: 'unused' }, rank: 8, steps: 1 },
      { onEvent: (e) => void events.push(e) },
    )
    const s = await h.done
    expect(s.status).toBe('failed')
    const row = db.prepare('SELECT error_code, error_message, error_details_json FROM runs WHERE id = ?').get(h.runId) as Record<string, string>
    const stored = JSON.stringify(row)
    expect(stored).toContain('no quota for key [redacted]')
    expect(stored).not.toContain(KEY)
    expect(stored).not.toContain(STRANGER)
    const sent = JSON.stringify(events)
    expect(sent).toContain('[redacted]')
    expect(sent).not.toContain(KEY)
    expect(sent).not.toContain(STRANGER)
  })
})
