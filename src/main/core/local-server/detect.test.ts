import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { FAKE_TUFT_BIN, FAKE_TUFT_BIN_DIR } from '../../../../tests/helpers/local-tuft'
import { detectTuft } from './detect'

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'detect-'))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

/** A fake interpreter: `python3 -c …` succeeds only when it "has" the tuft package. */
function fakePython(dir: string, hasTuft: boolean): void {
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(
    path.join(dir, 'python3'),
    `#!/bin/sh\ncase "$*" in *find_spec*) exit ${hasTuft ? 0 : 3};; esac\nexit 0\n`,
    { mode: 0o755 },
  )
}

describe('detecting TuFT', () => {
  it('uses TUFT_BIN first, then tuft on PATH, then python -m tuft', async () => {
    const withPy = path.join(tmp, 'py-yes')
    fakePython(withPy, true)
    expect(await detectTuft({ TUFT_BIN: FAKE_TUFT_BIN, PATH: withPy })).toMatchObject({
      found: true,
      via: 'TUFT_BIN',
      command: [FAKE_TUFT_BIN],
    })
    expect(await detectTuft({ PATH: [withPy, FAKE_TUFT_BIN_DIR].join(path.delimiter) })).toMatchObject({
      found: true,
      via: 'PATH',
      command: [FAKE_TUFT_BIN],
    })
    expect(await detectTuft({ PATH: withPy })).toEqual({
      found: true,
      via: 'python-module',
      command: [path.join(withPy, 'python3'), '-m', 'tuft'],
      tried: ['tuft on PATH', 'python3 -m tuft'],
    })
  })

  it('says what it tried when nothing works, and never skips a broken TUFT_BIN', async () => {
    const noPy = path.join(tmp, 'py-no')
    fakePython(noPy, false)
    const none = await detectTuft({ PATH: noPy })
    expect(none).toMatchObject({ found: false, tried: ['tuft on PATH', 'python3 -m tuft', 'python -m tuft'] })
    const notExec = path.join(tmp, 'tuft-not-exec')
    fs.writeFileSync(notExec, '#!/bin/sh\n', { mode: 0o644 })
    const broken = await detectTuft({ TUFT_BIN: notExec, PATH: FAKE_TUFT_BIN_DIR })
    expect(broken).toMatchObject({
      found: false,
      reason: expect.stringContaining(`TUFT_BIN is set to ${notExec}`),
    })
  })
})
