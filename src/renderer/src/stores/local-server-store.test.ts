import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { LocalServerStatus } from '../../../shared/local-server'

vi.mock('../api', () => ({ api: {} }))
const { useLocalServer } = await import('./local-server-store')

const lines = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => ({ seq: from + i, text: `line ${from + i}` }))
const status = (state: LocalServerStatus['state']) => ({ state }) as LocalServerStatus

describe('local server store', () => {
  beforeEach(() => useLocalServer.setState({ status: null, lines: [] }))

  it('merges the first read and live lines in order, whichever arrives first, without repeats', () => {
    const { append } = useLocalServer.getState()
    append(lines(5, 8))
    append(lines(0, 6))
    append(lines(9, 9))
    expect(useLocalServer.getState().lines.map((l) => l.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
  })

  it('starts a new log when a new start begins (its lines are numbered from 0 again)', () => {
    const { append, setStatus } = useLocalServer.getState()
    setStatus(status('running'))
    append(lines(0, 3))
    setStatus(status('stopped'))
    expect(useLocalServer.getState().lines).toHaveLength(4)
    setStatus(status('starting'))
    append(lines(0, 1))
    expect(useLocalServer.getState().lines.map((l) => l.text)).toEqual(['line 0', 'line 1'])
    // Later status updates of the same start keep the lines.
    setStatus(status('starting'))
    setStatus(status('running'))
    expect(useLocalServer.getState().lines).toHaveLength(2)
  })
})
