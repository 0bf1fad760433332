/** One conversation as chat bubbles, role-labelled; long messages are clamped until expanded. */
import { isChatRole } from '../../../shared/chat'
import type { ChatMessageView } from '../../../shared/contract'
import { MISSING, labelOf } from '../../../shared/i18n'
import { escapeControlChars } from '../../../shared/text'
import { useT } from '../i18n'

/**
 * Rows come from the store, which may hold rows imported before roles were checked (a role stored as
 * `{}`, or none): anything that is not text is shown as text instead of reaching React as a child.
 */
const asText = (v: unknown): string => escapeControlChars(typeof v === 'string' ? v : (JSON.stringify(v) ?? ''))

/** `label` names the conversation as the import report does (its row in the source file). */
export function ConversationView({ label, messages }: { label: string; messages: ChatMessageView[] }): React.JSX.Element {
  const { t } = useT()
  return (
    <article className="conv" aria-label={label} data-testid="conversation">
      <div className="conv-index">{label}</div>
      {messages.map((raw, i) => {
        const m: Partial<Record<'role' | 'content', unknown>> = typeof raw === 'object' && raw !== null ? raw : {}
        const role = isChatRole(m.role) ? m.role : 'unknown'
        return (
          <div key={i} className={`msg msg-${role}`}>
            <div className="msg-role">{typeof m.role === 'string' ? asText(labelOf(t.roles, m.role)) : MISSING}</div>
            <div className="msg-text">{asText(m.content)}</div>
          </div>
        )
      })}
    </article>
  )
}
