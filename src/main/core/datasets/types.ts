import type { ChatMessage, ChatRole } from '../../../shared/chat'
import type { DatasetFormat, RejectionGroup, WarningGroup } from '../../../shared/datasets'

export type { DatasetFormat, ImportWarning, RejectionGroup, RejectionReason, RowExample, RowFact, RowRange, WarningGroup } from '../../../shared/datasets'
export { IMPORT_WARNINGS, REJECTION_REASONS } from '../../../shared/datasets'

/**
 * Field and role names for datasets that do not use the standard ones. Every key is optional; unset
 * keys fall back to the format's own names (messages/role/content, conversations/from/value,
 * instruction/input/output/system).
 */
export type DatasetMapping = {
  /** Column holding the list of turns (messages / sharegpt); e.g. `dialog`. */
  messagesField?: string
  /** Key of a turn's role (`role`, `from`, …); e.g. `speaker`. */
  roleField?: string
  /** Key of a turn's text (`content`, `value`, …); e.g. `text`. */
  contentField?: string
  /** Row-level system prompt column (sharegpt/alpaca), e.g. `system`. */
  systemField?: string
  instructionField?: string
  inputField?: string
  outputField?: string
  /** Extra role names → chat role, e.g. `{bot: 'assistant'}`; applied before the built-in aliases. */
  roles?: Record<string, ChatRole>
}

/** `folder`: a local folder laid out like a hub snapshot (command line only; the app imports picked files). */
export type DatasetSource =
  | { kind: 'hub'; repo: string; split?: string; revision?: string }
  | { kind: 'file'; path: string; split?: string }
  | { kind: 'folder'; path: string; split?: string }

export type ImportPhase = 'listing' | 'downloading' | 'parsing' | 'saving'
export type ImportProgress = { phase: ImportPhase; current: number; total: number; split?: string; file?: string }

export type ImportOptions = {
  /** Name in the local store; default the hub id, or the file name without extension. */
  name?: string
  /**
   * What the dataset's provenance records as the file it came from, when that is not `path` itself (a file the
   * browser uploaded into a temporary copy is recorded by its own name, so importing it again replaces it).
   */
  sourceLabel?: string
  format?: 'auto' | DatasetFormat
  /** A DatasetMapping, or the flat string form the UI sends (`roles.bot: 'assistant'`). */
  mapping?: DatasetMapping | Record<string, string>
  /** Hub endpoint (else HF_ENDPOINT, else huggingface.co) and token (else HF_TOKEN). */
  endpoint?: string
  token?: string
  signal?: AbortSignal
  onProgress?: (p: ImportProgress) => void
}


export type SplitReport = { split: string; rows: number; rejected: number }

export type DatasetSourceInfo =
  | { kind: 'hub'; repo: string; endpoint: string; revision: string | null }
  | { kind: 'file'; path: string }

export type ImportReport = {
  datasetId: number
  name: string
  format: DatasetFormat
  splits: SplitReport[]
  rejections: RejectionGroup[]
  /** Rows imported with something odd about them, by kind. */
  warnings: WarningGroup[]
  source: DatasetSourceInfo
  revision: string | null
  etag: string | null
  importedAt: string
  /** True when nothing was downloaded or parsed: the local copy was current, or the network was down. */
  fromCache: boolean
}

export type SplitInfo = SplitReport & {
  /** sha256 over the split's stored conversations; changes exactly when its rows change. */
  contentHash: string
  revision: string | null
  etag: string | null
  importedAt: string
  files: { path?: string; url?: string; size?: number; etag?: string; oid?: string }[]
  rejections: RejectionGroup[]
  warnings: WarningGroup[]
}

export type DatasetInfo = {
  datasetId: number
  name: string
  format: DatasetFormat
  mapping: DatasetMapping | null
  source: DatasetSourceInfo
  revision: string | null
  etag: string | null
  importedAt: string
  splits: SplitInfo[]
  rejections: RejectionGroup[]
  warnings: WarningGroup[]
}

export type ConversationPage = {
  name: string
  split: string
  offset: number
  total: number
  rows: { index: number; sourceRow: number; messages: ChatMessage[] }[]
}
