/**
 * The desktop's one open dialog: Electron's (mocked, its binary cannot run under vitest) attached to the app's
 * window, with the purpose's title and kind; a cancelled dialog is null. Through the contract, a folder for the
 * local server's config comes back as its path, and the browser fallback (no dialog) refuses with a coded failure
 * that says to type the path.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { createStudioApp } from '../api/app'
import { createKeyFileSecretStore } from '../api/secret-store'
import { scriptedCore } from '../api/test-core'
import { pathPicker } from './dialogs'

const homes: string[] = []
afterAll(() => homes.forEach((h) => fs.rmSync(h, { recursive: true, force: true })))

const app = (pickPath?: Parameters<typeof createStudioApp>[0]['pickPath']) => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-dialogs-'))
  homes.push(home)
  return createStudioApp({ mode: pickPath ? 'electron' : 'browser', version: 't', dataDir: home, secrets: createKeyFileSecretStore(home), env: {}, core: () => scriptedCore({}), pickPath })
}

describe('the open dialog', () => {
  it('opens a folder-only dialog on the app window for a model folder and returns the chosen folder, or null when cancelled', async () => {
    const win = { id: 1 }
    const showOpenDialog = vi.fn(async (..._a: unknown[]) => ({ canceled: false, filePaths: ['/models/Qwen3-8B'] }))
    const pick = pathPicker({ showOpenDialog } as never, () => win as never, (purpose) => ({ title: `title of ${purpose}` }))
    expect(await pick('model-folder', { defaultPath: '/models' })).toBe('/models/Qwen3-8B')
    expect(showOpenDialog).toHaveBeenCalledWith(win, expect.objectContaining({ title: 'title of model-folder', defaultPath: '/models', properties: expect.arrayContaining(['openDirectory']) }))
    expect((showOpenDialog.mock.calls[0][1] as { properties: string[] }).properties).not.toContain('openFile')
    // The same dialog picks a dataset file, with its filter.
    await pick('dataset')
    expect(showOpenDialog.mock.calls[1][1]).toMatchObject({ title: 'title of dataset', properties: ['openFile'], filters: [{ extensions: ['jsonl', 'json', 'parquet'] }] })
    showOpenDialog.mockResolvedValueOnce({ canceled: true, filePaths: [] })
    expect(await pick('checkpoint-folder')).toBeNull()
  })

  it('answers pickFolder through the contract in the desktop app and refuses with a coded failure in the browser', async () => {
    const asked: unknown[] = []
    const desktop = app(async (purpose, o) => {
      asked.push([purpose, o])
      return purpose === 'model-folder' ? '/picked' : null
    })
    expect(await desktop.dispatch('pickFolder', { purpose: 'model-folder', defaultPath: '/m' })).toEqual({ ok: true, value: { path: '/picked' } })
    expect(asked).toEqual([['model-folder', { defaultPath: '/m' }]])
    // Only the purposes whose path goes into the config answer with a path; a dataset's path stays in main.
    expect(await desktop.dispatch('pickFolder', { purpose: 'dataset' })).toMatchObject({ ok: false, code: 'invalid-input' })
    expect(await desktop.dispatch('pickFolder', { purpose: 'model-folder', defaultPath: 'a\0b' })).toMatchObject({ ok: false, code: 'invalid-input' })
    const browser = app()
    expect(await browser.dispatch('pickFolder', { purpose: 'checkpoint-folder' })).toMatchObject({ ok: false, code: 'invalid-input', message: expect.stringContaining('type the folder path') })
    await Promise.all([desktop.close(), browser.close()])
  })
})
