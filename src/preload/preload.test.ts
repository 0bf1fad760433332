/**
 * The preload with Electron mocked: it exposes exactly the contract's named functions plus `on`, each
 * mapped to its namespaced IPC channel, and nothing that would hand the page raw IPC.
 */
import { describe, expect, it, vi } from 'vitest'
import { CHANNELS, IPC_EVENT_CHANNEL, IPC_PICKED_FROM_FILE_CHANNEL, ipcChannel } from '../shared/contract'

const exposed: Record<string, unknown> = {}
const invoke = vi.fn(async (..._args: unknown[]) => ({ ok: true, value: 1 }))
const listeners = new Map<string, Set<(...a: unknown[]) => void>>()
// Electron knows the path of a File the user dropped or chose; a File the page built itself has none ('').
const realFile = { name: 'chats.jsonl' }
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
  webUtils: { getPathForFile: (f: unknown) => (f === realFile ? '/home/me/chats.jsonl' : '') },
  ipcRenderer: {
    invoke: (...a: unknown[]) => invoke(...a),
    on: (ch: string, fn: (...a: unknown[]) => void) => (listeners.get(ch) ?? listeners.set(ch, new Set()).get(ch)!).add(fn),
    removeListener: (ch: string, fn: (...a: unknown[]) => void) => listeners.get(ch)?.delete(fn),
  },
}))

await import('.')

describe('preload', () => {
  const api = exposed.studio as Record<string, (...a: unknown[]) => unknown>

  it('exposes only window.studio with the contract functions and on()', () => {
    expect(Object.keys(exposed)).toEqual(['studio'])
    expect(Object.keys(api).sort()).toEqual([...CHANNELS, 'on', 'pickedFromFile'].sort())
    for (const k of Object.keys(api)) expect(typeof api[k]).toBe('function')
  })

  it('maps each function to its IPC channel', async () => {
    for (const c of CHANNELS) {
      invoke.mockClear()
      await api[c]({ probe: c })
      expect(invoke).toHaveBeenCalledWith(ipcChannel(c), { probe: c })
    }
    invoke.mockClear()
    await api.settingsGet()
    expect(invoke).toHaveBeenCalledWith('studio:settingsGet', {})
  })

  it('sends main the path of a File the user picked, and nothing for one the page made', async () => {
    invoke.mockClear()
    await api.pickedFromFile(realFile, 'dataset')
    expect(invoke).toHaveBeenCalledWith(IPC_PICKED_FROM_FILE_CHANNEL, { path: '/home/me/chats.jsonl', purpose: 'dataset' })
    invoke.mockClear()
    expect(await api.pickedFromFile({ name: '/home/me/.ssh/id_rsa' }, 'dataset')).toMatchObject({ ok: false, code: 'invalid-input' })
    expect(invoke).not.toHaveBeenCalled()
  })

  it('delivers only the subscribed event and unsubscribes', () => {
    const got: unknown[] = []
    const off = api.on('progress', (p: unknown) => got.push(p)) as () => void
    const fire = (msg: unknown): void => listeners.get(IPC_EVENT_CHANNEL)?.forEach((fn) => fn({}, msg))
    fire({ event: 'progress', payload: { opId: 'a' } })
    fire({ event: 'run', payload: { runId: 'r' } })
    off()
    fire({ event: 'progress', payload: { opId: 'b' } })
    expect(got).toEqual([{ opId: 'a' }])
  })
})
