/**
 * The rendered chat template of one conversation, token by token: trained tokens (weight 1) highlighted,
 * context tokens plain, and everything after the max-length cut struck through behind a marker.
 */
import type { TokenPiece } from '../../../shared/contract'
import { UI } from '../../../shared/ui-strings'

export function TokenView({ tokens, cutAt, maxLength }: { tokens: TokenPiece[]; cutAt: number | null; maxLength: number }): React.JSX.Element {
  return (
    <div className="tokens" data-testid="token-view">
      {tokens.map((t, i) => (
        <span key={i}>
          {cutAt === i && (
            <span className="cut-marker" data-testid="cut-marker">
              {UI.model.cutMarker(maxLength)}
            </span>
          )}
          <span className={`tok ${cutAt !== null && i >= cutAt ? 'tok-cut' : t.weight > 0 ? 'tok-w1' : 'tok-w0'}`} data-w={t.weight} title={`#${i} id ${t.id} · weight ${t.weight}`}>
            {t.text}
          </span>
        </span>
      ))}
    </div>
  )
}
