/**
 * The folder picker: Electron's open dialog (mocked, its binary cannot run under vitest) attached to the app's
 * window, folders only; a cancelled dialog is null. Through the contract, the desktop's picker answers and the
 * browser fallback (no picker) refuses with a coded failure that says to type the path.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { createStudioApp } from '../api/app'
import { createKeyFileSecretStore } from '../api/secret-store'
import { scriptedCore } from '../api/test-core'
import { folderPicker } from './dialogs'

const homes: string[] = []
afterAll(() => homes.forEach((h) => fs.rmSync(h, { recursive: true, force: true })))

const app = (pickFolder?: Parameters<typeof createStudioApp>[0]['pickFolder']) => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-dialogs-'))
  homes.push(home)
  return createStudioApp({ mode: pickFolder ? 'electron' : 'browser', version: 't', dataDir: home, secrets: createKeyFileSecretStore(home), env: {}, core: () => scriptedCore({}), pickFolder })
}

describe('folder picker', () => {
  it('opens a folder-only dialog on the app window and returns the chosen folder, or null when cancelled', async () => {
    const win = { id: 1 }
    const showOpenDialog = vi.fn(async (..._a: unknown[]) => ({ canceled: false, filePaths: ['/models/Qwen3-8B'] }))
    const pick = folderPicker({ showOpenDialog } as never, () => win as never)
    expect(await pick({ title: 'Base model folder', defaultPath: '/models' })).toBe('/models/Qwen3-8B')
    expect(showOpenDialog).toHaveBeenCalledWith(win, expect.objectContaining({ title: 'Base model folder', defaultPath: '/models', properties: expect.arrayContaining(['openDirectory']) }))
    expect((showOpenDialog.mock.calls[0][1] as { properties: string[] }).properties).not.toContain('openFile')
    showOpenDialog.mockResolvedValueOnce({ canceled: true, filePaths: [] })
    expect(await pick({})).toBeNull()
  })

  it('answers through the contract in the desktop app and refuses with a coded failure in the browser', async () => {
    const desktop = app(async ({ title }) => (title === 'x' ? '/picked' : null))
    expect(await desktop.dispatch('pickFolder', { title: 'x' })).toEqual({ ok: true, value: { path: '/picked' } })
    expect(await desktop.dispatch('pickFolder', { defaultPath: 'a\0b' })).toMatchObject({ ok: false, code: 'invalid-input' })
    const browser = app()
    expect(await browser.dispatch('pickFolder', {})).toMatchObject({ ok: false, code: 'invalid-input', message: expect.stringContaining('type the folder path') })
    await Promise.all([desktop.close(), browser.close()])
  })
})
