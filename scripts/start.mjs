// `npm start [-- --browser] [-- --port P]`: launches TuFT Studio.
//
// 1. Electron: obtain the runtime (it downloads on first use; ELECTRON_MIRROR points the download at a
//    mirror), rebuild better-sqlite3 for Electron's ABI into a separate cache folder (loaded through
//    better-sqlite3's `nativeBinding`, so node_modules keeps the Node build that tests, CLIs and the
//    bridge use), build with electron-vite, launch.
// 2. When Electron cannot be obtained or started (download blocked, no display, rebuild impossible), the
//    same app runs behind the browser bridge on 127.0.0.1, the system browser opens, and the address is
//    printed. `--browser` goes there directly.
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { tsImport } from 'tsx/esm/api'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(path.join(root, 'package.json'))
const args = process.argv.slice(2)
const forceBrowser = args.includes('--browser') || process.env.TUFT_STUDIO_BROWSER === '1'
const portAt = args.indexOf('--port')
const port = portAt >= 0 ? args[portAt + 1] : undefined
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx'
const say = (line) => console.log(`[tuft-studio] ${line}`)
// The words come from the app's catalogue (TypeScript, loaded through tsx, which the browser fallback runs on
// too), in the language LC_ALL, LC_MESSAGES or LANG name.
const { t: { cli: { start: t } } } = (await tsImport('../src/platform/cli-i18n.ts', import.meta.url)).cliI18n(process.env)

/** Environment for native builds: npm exports npm_config_nodedir (from ~/.npmrc), which would make
 *  node-gyp silently compile against Node's headers instead of Electron's. */
function buildEnv() {
  const env = { ...process.env }
  for (const k of Object.keys(env)) if (k.toLowerCase() === 'npm_config_nodedir') delete env[k]
  return env
}

/** Electron could not run here; `runtimeMissing` means a download (through ELECTRON_MIRROR) would fix it. */
class NoElectron extends Error {
  constructor(reason, { runtimeMissing = false } = {}) {
    super(reason)
    this.runtimeMissing = runtimeMissing
  }
}

/** Where the Electron download goes, with @electron/get's precedence (.npmrc, then the environment). */
function electronDownloadSource() {
  const env = process.env
  return env.npm_config_electron_mirror || env.NPM_CONFIG_ELECTRON_MIRROR || env.ELECTRON_MIRROR || 'https://github.com/electron/electron/releases/download/'
}

/** Returns the Electron executable, downloading it if needed; throws NoElectron with the reason otherwise. */
function electronBinary() {
  // require('electron') downloads the runtime on first use (Electron ≥ 42 has no postinstall).
  say(t.lookingForElectron)
  const r = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 10 * 60_000,
  })
  // The download's own progress lines come first on stdout; the path is the last thing written.
  const exe = (r.stdout ?? '').trim().split('\n').at(-1)
  if (r.status !== 0) {
    // Keep the download's error (e.g. "TypeError: fetch failed"). Drop stack frames, source excerpts and the
    // electron package's "delete node_modules/electron and reinstall" advice: the package is fine, only the
    // download failed, and deleting it would not help.
    const lines = (r.stderr || r.error?.message || '').split('\n').map((l) => l.trim())
    const why = lines.find((l) => /error|fail|ENOTFOUND|ECONN|ETIMEDOUT|EAI_AGAIN/i.test(l) && !/^(at|throw) /.test(l) && !/failed to install correctly/i.test(l))
    throw new NoElectron(t.downloadFailed(electronDownloadSource(), why ?? t.exitCode(String(r.status))), { runtimeMissing: true })
  }
  if (!exe || !fs.existsSync(exe)) throw new NoElectron(t.runtimeMissing(exe || t.noPath), { runtimeMissing: true })
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    throw new NoElectron(t.noDisplay)
  }
  return exe
}

/** better-sqlite3 rebuilt for this Electron, cached per Electron and better-sqlite3 version. */
async function electronSqliteBinding(electronVersion) {
  const sqliteDir = path.dirname(require.resolve('better-sqlite3/package.json'))
  const sqliteVersion = JSON.parse(fs.readFileSync(path.join(sqliteDir, 'package.json'), 'utf8')).version
  const stage = path.join(root, 'node_modules', '.cache', 'tuft-studio', `electron-${electronVersion}-better-sqlite3-${sqliteVersion}`)
  const binding = path.join(stage, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')
  if (fs.existsSync(binding)) return binding
  say(t.buildingSqlite(sqliteVersion, electronVersion))
  fs.rmSync(stage, { recursive: true, force: true })
  fs.mkdirSync(path.join(stage, 'node_modules'), { recursive: true })
  fs.writeFileSync(path.join(stage, 'package.json'), JSON.stringify({ name: 'tuft-studio-electron-native', private: true, dependencies: { 'better-sqlite3': sqliteVersion } }))
  fs.cpSync(sqliteDir, path.join(stage, 'node_modules', 'better-sqlite3'), { recursive: true, filter: (src) => !src.includes(`${path.sep}build${path.sep}`) })
  const saved = process.env
  process.env = buildEnv()
  try {
    const { rebuild } = await import('@electron/rebuild')
    await rebuild({ buildPath: stage, electronVersion, onlyModules: ['better-sqlite3'], force: true, mode: 'sequential' })
  } finally {
    process.env = saved
  }
  if (!fs.existsSync(binding)) throw new Error(t.rebuildFailed)
  return binding
}

function run(cmd, cmdArgs, opts = {}) {
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', ...opts })
  if (r.status !== 0) throw new Error(t.commandFailed(`${cmd} ${cmdArgs.join(' ')}`))
}

async function startElectron() {
  const exe = electronBinary()
  const electronVersion = JSON.parse(fs.readFileSync(require.resolve('electron/package.json'), 'utf8')).version
  const binding = await electronSqliteBinding(electronVersion)
  run(npx, ['electron-vite', 'build'])
  say(t.startingElectron(electronVersion))
  const child = spawn(exe, ['.'], { cwd: root, stdio: 'inherit', env: { ...process.env, TUFT_STUDIO_SQLITE_BINDING: binding } })
  return new Promise((resolve) => {
    const started = Date.now()
    child.on('error', (err) => resolve({ ok: false, reason: err.message }))
    child.on('exit', (code, signal) => {
      // A crash in the first seconds means the runtime cannot run here (missing libraries, sandbox setup).
      if (code !== 0 && Date.now() - started < 5000) resolve({ ok: false, reason: t.exitedAtStartup(signal ?? t.codeOf(String(code))) })
      else resolve({ ok: true, code: code ?? 0 })
    })
  })
}

function startBrowser() {
  // The bridge runs in Node: make sure node_modules holds a Node-ABI better-sqlite3.
  run(process.execPath, [path.join(root, 'scripts', 'ensure-node-native.mjs')])
  const serveArgs = ['src/main/bridge/serve-cli.ts', '--open', ...(port ? ['--port', port] : [])]
  // tsx directly (not through npx, which does not pass signals on), so Ctrl+C / SIGTERM stop the bridge.
  const tsx = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'tsx.cmd' : 'tsx')
  const child = spawn(tsx, serveArgs, { cwd: root, stdio: 'inherit' })
  const forward = (sig) => () => child.kill(sig)
  process.on('SIGINT', forward('SIGINT'))
  process.on('SIGTERM', forward('SIGTERM'))
  child.on('exit', (code) => process.exit(code ?? 0))
}

async function main() {
  if (forceBrowser) return startBrowser()
  try {
    const r = await startElectron()
    if (r.ok) process.exit(r.code)
    throw new Error(r.reason)
  } catch (err) {
    say(t.cannotStart(err instanceof Error ? err.message : String(err)))
    say(t.browserInstead)
    if (err instanceof NoElectron && err.runtimeMissing) {
      say(t.mirrorAdvice)
      say('  ELECTRON_MIRROR=https://npmmirror.com/mirrors/electron/ npm start')
    }
    startBrowser()
  }
}

await main()
