import { describe, expect, it } from 'vitest'
import { asStudioError, setDiskFullProbe, StudioError, storageErrorOf } from './result'

const errno = (code: string, extra: Record<string, unknown> = {}): Error & { code: string } =>
  Object.assign(new Error(`${code}: failed`), { code, ...extra })

describe('asStudioError: exceptions nobody classified', () => {
  it('a full disk or quota is disk-full, from SQLite or from the OS, also as the cause of another error', () => {
    for (const e of [errno('SQLITE_FULL'), errno('ENOSPC', { syscall: 'write', path: '/data/x' }), errno('EDQUOT')])
      expect(asStudioError(e).code).toBe('disk-full')
    const wrapped = new Error('could not save', { cause: errno('ENOSPC', { path: '/data/x' }) })
    expect(asStudioError(wrapped)).toMatchObject({ code: 'disk-full', message: 'could not save', details: { errno: 'ENOSPC', path: '/data/x' } })
  })

  it("SQLite's I/O errors count as disk-full only when the data folder's disk is (nearly) full", () => {
    let full = false
    setDiskFullProbe(() => full)
    expect(asStudioError(errno('SQLITE_IOERR_SHMSIZE')).code).toBe('internal')
    full = true
    expect(asStudioError(errno('SQLITE_IOERR_SHMSIZE')).code).toBe('disk-full')
    expect(asStudioError(errno('SQLITE_IOERR_WRITE')).code).toBe('disk-full')
    expect(asStudioError(errno('EIO')).code).toBe('internal')
  })

  it('a read-only or unwritable folder is data-folder-not-writable; EACCES/EPERM only on a file-system call', () => {
    for (const e of [
      errno('SQLITE_READONLY'),
      errno('SQLITE_READONLY_DIRECTORY'),
      errno('SQLITE_CANTOPEN'),
      errno('EROFS', { syscall: 'open', path: '/data/studio.sqlite' }),
      errno('EACCES', { syscall: 'mkdir', path: '/data' }),
      errno('EPERM', { syscall: 'rename', path: '/data/a' }),
    ])
      expect(asStudioError(e).code, e.code).toBe('data-folder-not-writable')
    // A port below 1024 or a signal to another user's process is not about the data folder.
    expect(asStudioError(errno('EACCES', { syscall: 'listen' })).code).toBe('internal')
    expect(asStudioError(errno('EPERM', { syscall: 'kill' })).code).toBe('internal')
  })

  it('StudioErrors pass through; anything else is internal', () => {
    const s = new StudioError('server-oom', 'CUDA out of memory')
    expect(asStudioError(s)).toBe(s)
    expect(asStudioError(new TypeError('x is undefined'))).toMatchObject({ code: 'internal', message: 'x is undefined' })
    expect(asStudioError('boom')).toMatchObject({ code: 'internal', message: 'boom' })
    expect(storageErrorOf(new Error('plain'))).toBeNull()
  })
})
