import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { StudioError } from '../../../shared/result'

export const BUNDLED_DATASET_NAME = 'sample-chat'
export const DEFAULT_HUB_DATASET = 'HuggingFaceH4/no_robots'

/**
 * The small chat dataset written for the project (resources/datasets/sample-chat.jsonl), used when the
 * default hub dataset cannot be downloaded and nothing is cached. Found by walking up from this module
 * (source tree or a built app); TUFT_STUDIO_RESOURCES overrides.
 */
export function bundledDatasetPath(env: NodeJS.ProcessEnv = process.env): string {
  const rel = path.join('datasets', 'sample-chat.jsonl')
  const override = env.TUFT_STUDIO_RESOURCES?.trim()
  if (override && fs.existsSync(path.join(override, rel))) return path.join(override, rel)
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 8; i++) {
    const candidate = path.join(dir, 'resources', rel)
    if (fs.existsSync(candidate)) return candidate
    dir = path.dirname(dir)
  }
  throw new StudioError('dataset-file-unreadable', 'The bundled sample dataset (resources/datasets/sample-chat.jsonl) is missing from this installation.')
}
