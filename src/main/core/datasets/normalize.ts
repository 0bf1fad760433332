import { z } from 'zod'
import { isChatRole, type ChatMessage, type ChatRole, type Conversation } from '../../../shared/chat'
import { MAX_CONVERSATION_CHARS } from '../../../shared/defaults'
import { StudioError } from '../../../shared/result'
import { kindOf } from '../../../shared/datasets'
import type { DatasetFormat, DatasetMapping, ImportWarning, RejectionReason, RowFact } from './types'

/** `offending`: the part of the row the reason is about (a turn), shown as the example instead of the row's start. */
export type Normalized = { ok: true; conversation: Conversation } | { ok: false; reason: RejectionReason; fact?: RowFact; offending?: unknown }

/**
 * Role names seen in the wild → chat roles. ShareGPT uses human/gpt, OpenAssistant prompter,
 * Gemma model, LLaMA-Factory observation/function_call, OpenAI developer.
 */
const ROLE_ALIASES: ReadonlyMap<string, ChatRole> = new Map([
  ['system', 'system'],
  ['developer', 'system'],
  ['user', 'user'],
  ['human', 'user'],
  ['prompter', 'user'],
  ['assistant', 'assistant'],
  ['gpt', 'assistant'],
  ['chatgpt', 'assistant'],
  ['model', 'assistant'],
  ['function_call', 'assistant'],
  ['tool', 'tool'],
  ['function', 'tool'],
  ['observation', 'tool'],
  ['ipython', 'tool'],
])

const roleSchema = z.enum(['system', 'user', 'assistant', 'tool'])
const mappingSchema = z
  .object({
    messagesField: z.string().min(1).optional(),
    roleField: z.string().min(1).optional(),
    contentField: z.string().min(1).optional(),
    systemField: z.string().min(1).optional(),
    instructionField: z.string().min(1).optional(),
    inputField: z.string().min(1).optional(),
    outputField: z.string().min(1).optional(),
    roles: z.record(z.string(), roleSchema).optional(),
  })
  .strict()

/**
 * Accepts the structured mapping or the flat string map the UI/CLI send, where roles are given as
 * `roles.<name>` (or `role:<name>`) keys, e.g. `{messagesField: 'dialog', 'roles.bot': 'assistant'}`.
 */
export function parseMapping(input: DatasetMapping | Record<string, unknown> | undefined): DatasetMapping | undefined {
  if (!input || Object.keys(input).length === 0) return undefined
  // Null-prototype objects: a key such as __proto__ stays a plain key instead of replacing a prototype.
  const roles: Record<string, unknown> = Object.create(null) as Record<string, unknown>
  const rest: Record<string, unknown> = Object.create(null) as Record<string, unknown>
  for (const [k, v] of Object.entries(input)) {
    const m = /^roles?[.:](.+)$/.exec(k)
    if (m) roles[m[1]] = v
    else if (k === 'roles' && typeof v === 'object' && v !== null) for (const [rk, rv] of Object.entries(v)) roles[rk] = rv
    else rest[k] = v
  }
  const parsed = mappingSchema.safeParse({ ...rest, ...(Object.keys(roles).length ? { roles: { ...roles } } : {}) })
  if (!parsed.success)
    throw new StudioError('invalid-input', `Invalid column/role mapping: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'mapping'}: ${i.message}`).join('; ')}`)
  return parsed.data
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * A row's own field: rows and field names both come from data, and `row[name]` or `name in row` would
 * also find what every object inherits (`constructor`, `toString`, `__proto__`).
 */
const has = (o: Record<string, unknown>, key: string): boolean => Object.hasOwn(o, key)
const own = (o: Record<string, unknown>, key: string): unknown => (Object.hasOwn(o, key) ? o[key] : undefined)

/** A list column may arrive as a JSON string (e.g. a writer that stored nested data as JSON text). */
function asList(v: unknown): unknown[] | undefined {
  if (Array.isArray(v)) return v
  if (typeof v === 'string' && v.trimStart().startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(v)
      if (Array.isArray(parsed)) return parsed
    } catch {
      return undefined
    }
  }
  return undefined
}

const fieldsOf = (format: DatasetFormat, m: DatasetMapping = {}) => ({
  list: m.messagesField ?? (format === 'sharegpt' ? 'conversations' : 'messages'),
  system: m.systemField ?? 'system',
  instruction: m.instructionField ?? 'instruction',
  input: m.inputField ?? 'input',
  output: m.outputField ?? 'output',
})

/**
 * Picks the format from the first rows: the one whose fields most rows have. `undefined` when no
 * object row matches any format (the caller reports dataset-format-unknown with the fields it saw).
 */
export function detectFormat(rows: unknown[], mapping?: DatasetMapping): DatasetFormat | undefined {
  const score: Record<DatasetFormat, number> = { messages: 0, sharegpt: 0, alpaca: 0 }
  for (const r of rows) {
    if (!isObject(r)) continue
    if (mapping?.messagesField) {
      if (has(r, mapping.messagesField)) score.messages++
      continue
    }
    if (has(r, 'messages')) score.messages++
    else if (has(r, 'conversations')) score.sharegpt++
    else if (has(r, fieldsOf('alpaca', mapping).instruction) && has(r, fieldsOf('alpaca', mapping).output)) score.alpaca++
  }
  const best = (Object.entries(score) as [DatasetFormat, number][]).sort((a, b) => b[1] - a[1])[0]
  return best[1] > 0 ? best[0] : undefined
}

function textOf(v: unknown, turn: number, role: ChatRole): { text: string } | { reason: RejectionReason; fact: RowFact } {
  if (typeof v === 'string') return { text: v }
  if (v === undefined || v === null) return { reason: 'missing-content', fact: { kind: 'content-missing', turn, role } }
  // OpenAI content parts: [{type:'text', text:'…'}]; anything else (images, numbers, objects) is not usable text.
  if (Array.isArray(v) && v.length > 0 && v.every((p) => isObject(p) && p.type === 'text' && typeof p.text === 'string'))
    return { text: v.map((p) => (p as { text: string }).text).join('') }
  return { reason: 'non-string-content', fact: { kind: 'content-is', turn, role, is: kindOf(v) } }
}

function toRole(raw: unknown, roles: ReadonlyMap<string, ChatRole>): ChatRole | undefined {
  if (typeof raw !== 'string') return undefined
  const mapped = roles.get(raw) ?? roles.get(raw.toLowerCase())
  if (mapped) return mapped
  const alias = ROLE_ALIASES.get(raw.trim().toLowerCase())
  return alias ?? (isChatRole(raw) ? raw : undefined)
}

function turns(list: unknown[], m: DatasetMapping): Normalized {
  const roles = new Map(Object.entries(m.roles ?? {}))
  const messages: ChatMessage[] = []
  for (let i = 0; i < list.length; i++) {
    const t = list[i]
    if (!isObject(t)) return { ok: false, reason: 'message-not-an-object', fact: { kind: 'turn-is', turn: i + 1, is: kindOf(t) }, offending: t }
    const roleKey = m.roleField ?? (has(t, 'role') ? 'role' : has(t, 'from') ? 'from' : 'role')
    const contentKey = m.contentField ?? (has(t, 'content') ? 'content' : has(t, 'value') ? 'value' : 'content')
    const rawRole = own(t, roleKey)
    if (rawRole === undefined || rawRole === null || rawRole === '')
      return { ok: false, reason: 'missing-role', fact: { kind: 'turn-no-role', turn: i + 1, field: roleKey }, offending: t }
    const role = toRole(rawRole, roles)
    if (!role) return { ok: false, reason: 'unknown-role', fact: { kind: 'turn-unknown-role', turn: i + 1, rawRole: JSON.stringify(rawRole).slice(0, 40) }, offending: t }
    const c = textOf(own(t, contentKey), i + 1, role)
    if ('reason' in c) return { ok: false, reason: c.reason, fact: c.fact, offending: t }
    if (c.text.trim() === '') {
      // An empty system prompt carries nothing; dropping it keeps the row (common in ShareGPT exports).
      if (role === 'system') continue
      return { ok: false, reason: 'empty-content', fact: { kind: 'turn-empty', turn: i + 1, role }, offending: t }
    }
    messages.push({ role, content: c.text })
  }
  if (messages.length === 0) return { ok: false, reason: 'empty-conversation', fact: { kind: 'no-turns' } }
  if (!messages.some((x) => x.role === 'assistant')) return { ok: false, reason: 'no-assistant-turn', fact: { kind: 'roles', roles: messages.map((x) => x.role) } }
  return { ok: true, conversation: { messages } }
}

function systemPrompt(row: Record<string, unknown>, key: string): Normalized | ChatMessage | undefined {
  const v = own(row, key)
  if (v === undefined || v === null || v === '') return undefined
  if (typeof v !== 'string') return { ok: false, reason: 'non-string-content', fact: { kind: 'field-is', field: key, is: kindOf(v) } }
  return v.trim() ? { role: 'system', content: v } : undefined
}

/** One row → a conversation, or the first reason it cannot be one. */
export function normalizeRow(value: unknown, format: DatasetFormat, mapping: DatasetMapping = {}): Normalized {
  const res = convert(value, format, mapping)
  if (!res.ok) return res
  let chars = 0
  for (const m of res.conversation.messages) chars += m.content.length
  if (chars > MAX_CONVERSATION_CHARS)
    return { ok: false, reason: 'conversation-too-long', fact: { kind: 'too-long', chars, max: MAX_CONVERSATION_CHARS } }
  return res
}

function convert(value: unknown, format: DatasetFormat, mapping: DatasetMapping): Normalized {
  if (!isObject(value)) return { ok: false, reason: 'not-an-object', fact: { kind: 'row-is', is: kindOf(value) } }
  const f = fieldsOf(format, mapping)
  if (format === 'alpaca') return alpaca(value, f)
  if (!has(value, f.list)) return { ok: false, reason: 'missing-messages', fact: { kind: 'no-field', field: f.list } }
  const list = asList(value[f.list])
  if (!list) return { ok: false, reason: 'messages-not-a-list', fact: { kind: 'field-is', field: f.list, is: kindOf(value[f.list]) } }
  const res = turns(list, mapping)
  if (!res.ok || format !== 'sharegpt') return res
  const sys = systemPrompt(value, f.system)
  if (sys && 'ok' in sys) return sys
  if (sys && res.conversation.messages[0].role !== 'system') res.conversation.messages.unshift(sys)
  return res
}

function alpaca(row: Record<string, unknown>, f: ReturnType<typeof fieldsOf>): Normalized {
  const missing = [f.instruction, f.output].filter((k) => own(row, k) === undefined || own(row, k) === null)
  if (missing.length) return { ok: false, reason: 'missing-fields', fact: { kind: 'no-fields', fields: missing } }
  for (const k of [f.instruction, f.input, f.output])
    if (own(row, k) !== undefined && own(row, k) !== null && typeof own(row, k) !== 'string')
      return { ok: false, reason: 'non-string-content', fact: { kind: 'field-is', field: k, is: kindOf(own(row, k)) } }
  const instruction = (own(row, f.instruction) as string).trim()
  const input = typeof own(row, f.input) === 'string' ? (own(row, f.input) as string).trim() : ''
  const output = own(row, f.output) as string
  const user = [instruction, input].filter(Boolean).join('\n\n')
  if (!user) return { ok: false, reason: 'empty-content', fact: { kind: 'instruction-empty' } }
  if (!output.trim()) return { ok: false, reason: 'empty-content', fact: { kind: 'output-empty' } }
  const messages: ChatMessage[] = []
  const sys = systemPrompt(row, f.system)
  if (sys && 'ok' in sys) return sys
  if (sys) messages.push(sys)
  // LLaMA-Factory's alpaca variant: earlier turns as [[query, response], …].
  const history = own(row, 'history')
  if (Array.isArray(history)) {
    for (const pair of history) {
      if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string')
        return { ok: false, reason: 'non-string-content', fact: { kind: 'history-shape' } }
      if (!pair[0].trim() || !pair[1].trim()) return { ok: false, reason: 'empty-content', fact: { kind: 'history-turn-empty' } }
      messages.push({ role: 'user', content: pair[0] }, { role: 'assistant', content: pair[1] })
    }
  }
  messages.push({ role: 'user', content: user }, { role: 'assistant', content: output })
  return { ok: true, conversation: { messages } }
}

/**
 * What is odd about a conversation that is imported anyway (each kind once): a reply before any question (a
 * conversation cut at its start), two user or two assistant turns next to each other (a turn lost or split in
 * the export), or a last user turn nobody answers (context that nothing is trained on). System turns are left
 * out; a tool turn between two assistant turns is how tool calls look, not a lost turn.
 */
export function conversationWarnings(messages: readonly ChatMessage[]): { reason: ImportWarning; fact: RowFact; turns: ChatMessage[] }[] {
  const turns = messages.map((m, i) => ({ m, n: i + 1 })).filter((t) => t.m.role !== 'system')
  const found = new Map<ImportWarning, { fact: RowFact; turns: ChatMessage[] }>()
  const first = turns[0]
  if (first?.m.role === 'assistant') found.set('starts-with-assistant', { fact: { kind: 'first-turn', turn: first.n }, turns: [first.m] })
  for (let i = 1; i < turns.length; i++) {
    const [a, b] = [turns[i - 1], turns[i]]
    if (a.m.role !== b.m.role) continue
    const kind = b.m.role === 'user' ? 'consecutive-user-turns' : b.m.role === 'assistant' ? 'consecutive-assistant-turns' : null
    if (kind && !found.has(kind)) found.set(kind, { fact: { kind: 'same-role', first: a.n, second: b.n, role: b.m.role }, turns: [a.m, b.m] })
  }
  const last = turns.at(-1)
  if (last?.m.role === 'user') found.set('ends-with-user-turn', { fact: { kind: 'unanswered', turn: last.n }, turns: [last.m] })
  return [...found].map(([reason, w]) => ({ reason, ...w }))
}
