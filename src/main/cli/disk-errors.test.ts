/**
 * A real full disk and a real read-only data folder, through the dataset CLI: a small tmpfs mounted in a
 * private mount namespace (`unshare`, no root needed where user namespaces are allowed) holds
 * TUFT_STUDIO_HOME. Skipped, with one line saying why, where the namespace cannot be created.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { repoRoot } from '../../../tests/helpers/fixtures'

const canMount = (() => {
  if (process.platform !== 'linux') return false
  const probe = spawnSync('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', 'mount -t tmpfs -o size=64k tmpfs /tmp && true'], {
    stdio: 'ignore',
  })
  return probe.status === 0
})()
if (!canMount) console.log('disk-errors.test: skipped (cannot mount a tmpfs in a user namespace here: no `unshare` or user namespaces disabled)')

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
})

describe.skipIf(!canMount)('a full disk and a read-only data folder (tmpfs)', () => {
  it('an import that fills the disk fails with disk-full and leaves the earlier dataset intact; a read-only folder is data-folder-not-writable', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tmpfs-home-'))
    dirs.push(home)
    const sample = path.join(repoRoot, 'resources/datasets/sample-chat.jsonl')
    const cli = `"${process.execPath}" --import tsx src/main/cli/dataset-cli.ts dataset`
    // Each step prints a marker, then the CLI's output and exit status.
    const script = [
      'set -u',
      'mount -t tmpfs -o size=2m tmpfs "$H"',
      `echo "## first"; ${cli} import "$S" --name first 2>&1; echo "rc=$?"`,
      'dd if=/dev/zero of="$H/filler" bs=4k 2>/dev/null',
      `echo "## full"; ${cli} import "$S" --name second 2>&1; echo "rc=$?"`,
      'rm "$H/filler"',
      `echo "## list"; ${cli} list 2>&1; echo "rc=$?"`,
      'mount -o remount,ro "$H"',
      `echo "## read-only"; ${cli} import "$S" --name third 2>&1; echo "rc=$?"`,
    ].join('\n')
    const out = execFileSync('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', script], {
      cwd: repoRoot,
      env: { ...process.env, H: home, S: sample, TUFT_STUDIO_HOME: home },
      encoding: 'utf8',
      timeout: 120_000,
    })
    const step = (name: string): string => out.split('## ').find((s) => s.startsWith(`${name}\n`)) ?? ''
    expect(step('first')).toMatch(/split train: 73 conversations[\s\S]*rc=0/)
    expect(step('full')).toMatch(/error \[disk-full\]: .*— Free space on the disk that holds the data folder/)
    expect(step('full')).toMatch(/rc=1/)
    expect(step('list')).toMatch(/^first\t[\s\S]*rc=0/m)
    expect(step('list')).not.toMatch(/^second\t/m)
    expect(step('read-only')).toMatch(/error \[data-folder-not-writable\]: .*TUFT_STUDIO_HOME/)
    expect(step('read-only')).toMatch(/rc=1/)
  })
})
