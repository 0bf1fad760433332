/** The guide's SFT-vs-RL comparison, reachable from the wizard before the user commits to SFT. */
import { UI } from '../../../shared/ui-strings'
import { Button, Card } from '../components/ui'
import { useNav } from '../stores/nav-store'

export function SftOrRl(): React.JSX.Element {
  const back = useNav((s) => s.previous)
  const go = useNav((s) => s.go)
  const t = UI.sftOrRl
  return (
    <div className="page narrow" data-testid="sft-or-rl">
      <h1>{t.title}</h1>
      <p className="lead">{t.intro}</p>
      <Card>
        <table className="table compare-table">
          <thead>
            <tr>
              {t.head.map((h) => (
                <th key={h} scope="col">{h}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {t.rows.map(([topic, sft, rl]) => (
              <tr key={topic}>
                <th scope="row">{topic}</th>
                <td>{sft}</td>
                <td>{rl}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <Card title={t.rules}>
        <ul className="rules">
          <li><strong>SFT</strong> — {t.ruleSft}</li>
          <li><strong>RL</strong> — {t.ruleRl}</li>
        </ul>
      </Card>
      <div className="actions">
        <Button variant="primary" onClick={() => go(back === 'sft-or-rl' || back === 'loading' ? 'wizard' : back)}>{t.back}</Button>
      </div>
    </div>
  )
}
