// better-sqlite3 is a native addon. If someone ran the Electron rebuild (npm start does, when Electron is
// available), the binary targets Electron's ABI and plain Node can no longer load it. Tests run in Node,
// so check once and rebuild for Node only when needed (about 2 minutes, offline).
import { execSync } from 'node:child_process'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
try {
  const Database = require('better-sqlite3')
  new Database(':memory:').close()
} catch (err) {
  console.log(`better-sqlite3 does not load in Node (${String(err.message).split('\n')[0]}); rebuilding it for Node…`)
  execSync('npm rebuild better-sqlite3', { stdio: 'inherit' })
}
