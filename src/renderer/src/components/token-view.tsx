/**
 * The rendered chat template of one conversation, token by token: trained tokens (weight 1) highlighted,
 * context tokens plain, and everything after the max-length cut struck through behind a marker.
 */
import type { TokenPiece } from '../../../shared/contract'
import { useT } from '../i18n'

export function TokenView({ tokens, cutAt, maxLength }: { tokens: TokenPiece[]; cutAt: number | null; maxLength: number }): React.JSX.Element {
  const { t } = useT()
  return (
    <div className="tokens" data-testid="token-view">
      {tokens.map((tok, i) => (
        <span key={i}>
          {cutAt === i && (
            <span className="cut-marker" data-testid="cut-marker">
              {t.model.cutMarker(maxLength)}
            </span>
          )}
          <span className={`tok ${cutAt !== null && i >= cutAt ? 'tok-cut' : tok.weight > 0 ? 'tok-w1' : 'tok-w0'}`} data-w={tok.weight} title={t.model.tokenTitle(i, tok.id, tok.weight)}>
            {tok.text}
          </span>
        </span>
      ))}
    </div>
  )
}
