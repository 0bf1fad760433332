/**
 * The vocabulary of dataset imports that main, the CLIs and the renderer share: why a row is rejected, what a
 * kept row is warned about, and the shape of the examples shown for both. Every code here has wording in
 * both UI catalogues (`dataset.reasons` / `dataset.warnings`, typed by these lists, so a new code without
 * wording fails the type check).
 *
 * No node or electron imports: the renderer bundles this file.
 */

export type DatasetFormat = 'messages' | 'sharegpt' | 'alpaca'

/** Why a row of a data file is not imported (each row gets the first reason found). */
export const REJECTION_REASONS = [
  'not-json',
  'not-utf8',
  'too-deeply-nested',
  'not-an-object',
  'row-too-large',
  'missing-messages',
  'messages-not-a-list',
  'empty-conversation',
  'message-not-an-object',
  'missing-role',
  'unknown-role',
  'missing-content',
  'non-string-content',
  'empty-content',
  'missing-fields',
  'no-assistant-turn',
  'conversation-too-long',
  'unreadable-row-group',
] as const
export type RejectionReason = (typeof REJECTION_REASONS)[number]

/**
 * What is odd about a row that is imported anyway: every template renders it and training is correct, but the
 * data is probably not what its author meant (a cut-off export, a merged turn, a reply with no question).
 */
export const IMPORT_WARNINGS = ['starts-with-assistant', 'consecutive-user-turns', 'consecutive-assistant-turns', 'ends-with-user-turn'] as const
export type ImportWarning = (typeof IMPORT_WARNINGS)[number]

export const isRejectionReason = (x: unknown): x is RejectionReason => typeof x === 'string' && (REJECTION_REASONS as readonly string[]).includes(x)
export const isImportWarning = (x: unknown): x is ImportWarning => typeof x === 'string' && (IMPORT_WARNINGS as readonly string[]).includes(x)

/**
 * One row shown as an example of a reason: `row` is 1-based in the source file (the line of a JSON Lines file,
 * the element of a JSON array, the row of a parquet file), the same number previews show.
 */
export type RowExample = { split: string; row: number; excerpt: string; detail?: string }
export type RejectionGroup = { reason: RejectionReason; count: number; examples: RowExample[] }
export type WarningGroup = { reason: ImportWarning; count: number; examples: RowExample[] }
