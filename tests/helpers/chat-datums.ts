/**
 * Chat-SFT datums for sandbox tests and the sandbox bench, built by the app's own tokenize module (built-in
 * Qwen3-4B-Instruct-2507 tokenizer and chat template, exact assistant masks, next-token shift), in a throwaway
 * studio home so nothing touches the user's data.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Conversation } from '../../src/shared/chat'
import type { Datum } from '../../src/shared/datum'
import { openDb } from '../../src/main/core/store'
import { buildExample, loadTokenizer } from '../../src/main/core/tokenize'
import { CHAT_JSONL, readChatRows } from './fixtures'

export async function loadChatDatums(opts: { file?: string; limit?: number; maxLength?: number } = {}): Promise<Datum[]> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-datums-'))
  const db = openDb(path.join(home, 'studio.sqlite'))
  try {
    const tok = await loadTokenizer(db, { modelId: 'Qwen/Qwen3-4B-Instruct-2507' })
    const rows = readChatRows(opts.file ?? CHAT_JSONL).slice(0, opts.limit ?? Infinity) as Conversation[]
    const out: Datum[] = []
    for (const conv of rows) {
      const ex = await buildExample(tok, conv, { trainOn: 'all-assistant', maxLength: opts.maxLength ?? 1024 })
      if (ex.datum) out.push(ex.datum)
    }
    return out
  } finally {
    db.close()
    fs.rmSync(home, { recursive: true, force: true })
  }
}
