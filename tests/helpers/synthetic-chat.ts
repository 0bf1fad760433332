/**
 * Synthetic chat rows (written here, not taken from any dataset) for parquet codec/encoding tests, and
 * the writer for the committed ZSTD + dictionary-encoded fixture. Node's zlib has no zstd, so the
 * fixture is made once with the `zstd` CLI (`npx tsx tests/helpers/synthetic-chat.ts`) and committed;
 * tests read the committed file and need no CLI.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parquetWriteBuffer } from 'hyparquet-writer'
import { CHAT_PARQUET_SCHEMA } from './hub-mirror'

export const ZSTD_FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/synthetic-zstd-dict.parquet')

const TOPICS = ['tea', 'bicycles', 'tides', 'origami', 'compilers', 'sourdough', 'comets', 'knots']
const SYSTEM = 'You are a concise assistant. Réponds brièvement. 简洁回答。'

export type SyntheticRow = { messages: { role: string; content: string }[] }

/** Deterministic rows: every third is multi-turn, every fifth has a system prompt, some non-ASCII. */
export function syntheticRows(n: number): SyntheticRow[] {
  const rows: SyntheticRow[] = []
  for (let i = 0; i < n; i++) {
    const t = TOPICS[i % TOPICS.length]
    const messages: SyntheticRow['messages'] = []
    if (i % 5 === 0) messages.push({ role: 'system', content: SYSTEM })
    messages.push({ role: 'user', content: `Tell me one fact about ${t} (#${i}).` }, { role: 'assistant', content: `Fact ${i} about ${t}: it is interesting ✓.` })
    if (i % 3 === 0) messages.push({ role: 'user', content: 'And another?' }, { role: 'assistant', content: `Another ${t} fact, number ${i + 1}.` })
    rows.push({ messages })
  }
  return rows
}

export function zstdCompress(b: Uint8Array): Uint8Array {
  const r = spawnSync('zstd', ['-q', '-c', '-3'], { input: b, maxBuffer: 1 << 30 })
  if (r.status !== 0) throw new Error(`zstd failed: ${r.stderr?.toString() || r.error?.message}`)
  return new Uint8Array(r.stdout)
}

export const zstdAvailable = (): boolean => spawnSync('zstd', ['--version']).status === 0

/** ZSTD pages, RLE_DICTIONARY string columns, several row groups — the shape of a pyarrow/HF file. */
export function syntheticZstdParquet(rows = syntheticRows(240)): Buffer {
  const prompts = rows.map((r) => r.messages.find((m) => m.role === 'user')?.content ?? '')
  return Buffer.from(
    parquetWriteBuffer({
      schema: CHAT_PARQUET_SCHEMA,
      codec: 'ZSTD',
      compressors: { ZSTD: zstdCompress },
      rowGroupSize: 100,
      columnData: [
        { name: 'prompt', data: prompts, encoding: 'RLE_DICTIONARY' },
        { name: 'prompt_id', data: rows.map((_, i) => `id-${i % 7}`), encoding: 'RLE_DICTIONARY' },
        { name: 'messages', data: rows.map((r) => r.messages.map((m) => ({ content: m.content, role: m.role }))), encoding: 'RLE_DICTIONARY' },
      ],
    }),
  )
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  fs.mkdirSync(path.dirname(ZSTD_FIXTURE), { recursive: true })
  fs.writeFileSync(ZSTD_FIXTURE, syntheticZstdParquet())
  console.log(`wrote ${ZSTD_FIXTURE}`)
}
