export { importDataset } from './import'
export { listDatasets, getDataset, loadConversations, pageConversations, deleteDataset } from './store'
export { splitRowReader, type SplitRowReader } from './row-chunks'
export { parseMapping, normalizeRow, detectFormat } from './normalize'
export type {
  DatasetFormat,
  DatasetMapping,
  DatasetSource,
  DatasetSourceInfo,
  DatasetInfo,
  SplitInfo,
  SplitReport,
  ImportOptions,
  ImportProgress,
  ImportPhase,
  ImportReport,
  RejectionGroup,
  RejectionExample,
  RejectionReason,
  ConversationPage,
} from './types'
export { REJECTION_REASONS } from './types'
