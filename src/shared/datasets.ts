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

/** What a JSON value is, as a rejection's facts name it: a list, null, or what `typeof` says. */
export type ValueKind = 'list' | 'null' | 'string' | 'number' | 'boolean' | 'object' | 'undefined' | 'bigint' | 'symbol' | 'function'

export const kindOf = (v: unknown): ValueKind => (Array.isArray(v) ? 'list' : v === null ? 'null' : typeof v)

/**
 * Exactly what is wrong with one row (or odd about it), as facts each UI catalogue words in its own language
 * (`dataset.fact`). Turns are 1-based; `role` is a chat role, `rawRole` the value found (JSON, cut short); a
 * `parser` fact is the parser's own message, quoted as it came.
 */
export type RowFact =
  | { kind: 'turn-is'; turn: number; is: ValueKind }
  | { kind: 'turn-no-role'; turn: number; field: string }
  | { kind: 'turn-unknown-role'; turn: number; rawRole: string }
  | { kind: 'content-missing'; turn: number; role: string }
  | { kind: 'content-is'; turn: number; role: string; is: ValueKind }
  | { kind: 'turn-empty'; turn: number; role: string }
  | { kind: 'no-turns' }
  | { kind: 'roles'; roles: string[] }
  | { kind: 'field-is'; field: string; is: ValueKind }
  | { kind: 'no-field'; field: string }
  | { kind: 'no-fields'; fields: string[] }
  | { kind: 'instruction-empty' }
  | { kind: 'output-empty' }
  | { kind: 'history-shape' }
  | { kind: 'history-turn-empty' }
  | { kind: 'too-long'; chars: number; max: number }
  | { kind: 'row-is'; is: ValueKind }
  | { kind: 'too-deep'; max: number }
  | { kind: 'too-large'; what: 'line' | 'row'; max: number }
  /** `byte` (1-based) and `hex` locate the first bad byte; `latin1`: the bytes read as Latin-1; `inValue`: a parquet text value. */
  | { kind: 'not-utf8'; byte: number | null; hex: string | null; latin1: boolean; inValue: boolean }
  | { kind: 'parser'; message: string }
  // warnings
  | { kind: 'first-turn'; turn: number }
  | { kind: 'same-role'; first: number; second: number; role: string }
  | { kind: 'unanswered'; turn: number }

/**
 * One row shown as an example of a reason: `row` is 1-based in the source file (the line of a JSON Lines file,
 * the element of a JSON array, the row of a parquet file), the same number previews show. `detail` is `fact` in
 * English (command lines and logs print it; reports saved before facts existed have only it). `rows` stands for an
 * excerpt that can only name the rows it covers (a parquet row group that cannot be read), so it can be worded.
 */
export type RowExample = { split: string; row: number; excerpt: string; detail?: string; fact?: RowFact; rows?: RowRange }
export type RowRange = { first: number; last: number }
export type RejectionGroup = { reason: RejectionReason; count: number; examples: RowExample[] }
export type WarningGroup = { reason: ImportWarning; count: number; examples: RowExample[] }
