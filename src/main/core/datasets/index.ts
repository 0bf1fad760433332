export { importDataset } from './import'
export { listDatasets, getDataset, loadConversations, pageConversations, deleteDataset } from './store'
export { splitRowReader, type SplitRowReader } from './row-chunks'
export { parseMapping, normalizeRow, detectFormat, conversationWarnings } from './normalize'
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
  RowExample,
  WarningGroup,
  ImportWarning,
  RejectionReason,
  ConversationPage,
} from './types'
export { IMPORT_WARNINGS, REJECTION_REASONS } from './types'
