export {
  loadTokenizer,
  useTokenizerFolder,
  forgetTokenizerFolder,
  tokenizerProvenance,
  type TokenizerProvenance,
  rendererOf,
  BUILTIN_TOKENIZER_MODEL,
  type StudioTokenizer,
  type TokenizerSource,
  type TokenizerOrigin,
  type LoadProgress,
} from './tokenizer'
export { buildExample, type Example } from './example'
export {
  tokenizeSplit,
  tokenizeConversations,
  defaultSplit,
  type TokenizedSplit,
  type TokenizeProgress,
  type TokenizeSplitOptions,
  type TokenizeConversationsOptions,
} from './split'
export { closeIdleWorkers, chooseWorkerCount, machineResources } from './pool'
export { dropTokenizedDataset } from './tokenized-store'
export { statsFromLengthCounts } from './stats'
export { makeDatum, type DatumResult } from './datums'
export { computeMask, locateContents, turnTerminators, type MaskMessage, type TokenOffsets } from './mask'
export { prefixTexts, assemblePrefixExample } from './prefix-rerender'
export type { EncoderKind } from './worker-protocol'
