import path from 'node:path'
import { resourcePath } from '../store'
import { StudioError } from '../../../shared/result'

export const BUNDLED_DATASET_NAME = 'sample-chat'
export const DEFAULT_HUB_DATASET = 'HuggingFaceH4/no_robots'

/**
 * The small chat dataset written for the project (resources/datasets/sample-chat.jsonl), used when the
 * default hub dataset cannot be downloaded and nothing is cached.
 */
export function bundledDatasetPath(env: NodeJS.ProcessEnv = process.env): string {
  const found = resourcePath(path.join('datasets', 'sample-chat.jsonl'), env)
  if (found) return found
  throw new StudioError('dataset-file-unreadable', 'The bundled sample dataset (resources/datasets/sample-chat.jsonl) is missing from this installation.', {
    why: 'bundled-missing',
  })
}
