/**
 * Finds English prose in text that should be Chinese. Code-like tokens are not prose and are skipped: anything
 * with a digit, `_`, `.`, `/`, `-`, `~`, `@` or `:` (model ids, file names, environment variables, URLs,
 * p95, Qwen3), commands in backticks, and the names the Chinese UI keeps on purpose (product names, acronyms, field names of
 * dataset formats). What remains and is made of Latin letters is reported, one entry per word.
 */
export const KEPT_IN_ENGLISH = new Set([
  // products, formats and acronyms TuFT's Chinese docs keep as they are
  'TuFT', 'Studio', 'Tinker', 'SDK', 'LoRA', 'NLL', 'SFT', 'RL', 'API', 'Hugging', 'Face', 'Hub', 'OpenAI', 'ShareGPT', 'Alpaca', 'parquet',
  'PNG', 'CSV', 'JSON', 'safetensors', 'kB', 'MB', 'GB', 'TB', 'Python', 'CPU', 'GPU', 'OOM', 'LLM', 'NaN', 'DNS', 'HTTP', 'TLS', 'KV', 'ID', 'id', 'token', 'Instruct', 'Chat', 'Datum', 'epoch', 'gated', 'bug',
  // field names of dataset formats, and split names, shown as data
  'messages', 'conversations', 'instruction', 'input', 'output', 'history', 'weights', 'train', 'test',
  // hub reply fields and TuFT config keys, named as the files and replies spell them
  'split', 'config', 'colocate', 'hf', 'fsdp',
  // commands and variables the shell knows by these names, and JSON's null
  'PATH', 'curl', 'tuft', 'tinker', 'openai', 'transformers', 'Node', 'Electron', 'null',
  // acronyms and keys a terminal prints as they are
  'URL', 'SSH', 'CUDA', 'Ctrl', 'SIGTERM', 'SIGKILL',
])

/**
 * Words of the command lines as they are typed (`npm run cli -- dataset import`, `npm run sandbox`) and the
 * option values their usage lines list (`--format messages|sharegpt|alpaca`, `--train-on …|all`).
 */
export const COMMAND_WORDS = [
  'npm', 'run', 'cli', 'sft', 'sandbox', 'serve', 'dataset', 'server', 'import', 'list', 'stats', 'datums',
  'launch', 'status', 'stop', 'logs', 'runs', 'checkpoints', 'sharegpt', 'alpaca', 'all', 'help',
  // `npm run sft --help`: the keys of --summary-json it spells out, the grammar of --sweep, the config type
  'steps', 'step', 'value', 'kind', 'name', 'path', 'best', 'verdict', 'fine', 'overfit', 'diverged', 'epochs',
  'rank', 'note', 'recommendation', 'reason', 'checkpoint', 'concurrency', 'null', 'ranks', 'lrs', 'RunConfig',
]

export function englishWords(text: string, extraAllowed: readonly string[] = []): string[] {
  const allowed = new Set([...KEPT_IN_ENGLISH, ...extraAllowed])
  // Commands in backticks are code, however many words they have.
  const tokens = text.replace(/`[^`]*`/g, ' ').split(/[\s\u3000-\u303f\u4e00-\u9fff\uff00-\uffef，。：；（）“”‘’、！？…—·×→←✓#()[\]{}<>"'`,;!?|=+*%&$]+/)
  return tokens.filter((tok) => /^[A-Za-z]{2,}$/.test(tok) && !allowed.has(tok))
}
