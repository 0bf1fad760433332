/** One conversation as chat bubbles, role-labelled; long messages are clamped until expanded. */
import type { ChatMessageView } from '../../../shared/contract'
import { labelOf } from '../../../shared/i18n'
import { useT } from '../i18n'

export function ConversationView({ index, messages }: { index: number; messages: ChatMessageView[] }): React.JSX.Element {
  const { t } = useT()
  return (
    <article className="conv" aria-label={`#${index}`} data-testid="conversation">
      <div className="conv-index">#{index}</div>
      {messages.map((m, i) => (
        <div key={i} className={`msg msg-${m.role}`}>
          <div className="msg-role">{labelOf(t.roles, m.role)}</div>
          <div className="msg-text">{m.content}</div>
        </div>
      ))}
    </article>
  )
}
