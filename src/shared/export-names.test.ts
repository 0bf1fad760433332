import { describe, expect, it } from 'vitest'
import { exportFileName, exportSlug } from './export-names'

describe('export file names', () => {
  it('follow one rule for every kind: name slug, kind, extension', () => {
    const name = 'no_robots r32 lr1e-4'
    expect(exportFileName(name, 'metrics', 'csv')).toBe('no_robots-r32-lr1e-4-metrics.csv')
    expect(exportFileName(name, 'config', 'json')).toBe('no_robots-r32-lr1e-4-config.json')
    expect(exportFileName(name, 'train', 'py')).toBe('no_robots-r32-lr1e-4-train.py')
    expect(exportFileName(name, 'nll', 'png')).toBe('no_robots-r32-lr1e-4-nll.png')
  })

  it('keep letters of any script, drop path and shell characters, and never start with a dot', () => {
    expect(exportSlug('客服对话 r8 (2)')).toBe('客服对话-r8-2')
    expect(exportSlug('../../etc/passwd')).toBe('etc-passwd')
    expect(exportSlug('a/b\\c:d*e?f"g<h>i|j')).toBe('a-b-c-d-e-f-g-h-i-j')
    expect(exportSlug('...')).toBe('run')
    expect([...exportSlug('长'.repeat(200))].length).toBe(80)
  })
})
