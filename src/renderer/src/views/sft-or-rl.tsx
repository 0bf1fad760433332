/** The guide's SFT-vs-RL comparison, reachable from the wizard before the user commits to SFT. */
import { Button, Card } from '../components/ui'
import { useT } from '../i18n'
import { useNav } from '../stores/nav-store'

export function SftOrRl(): React.JSX.Element {
  const { t: all } = useT()
  const t = all.sftOrRl
  const back = useNav((s) => s.previous)
  const go = useNav((s) => s.go)
  return (
    <div className="page narrow" data-testid="sft-or-rl">
      <h1>{t.title}</h1>
      <p className="lead">{t.intro}</p>
      <Card>
        <table className="table compare-table">
          <thead>
            <tr>
              <th scope="col">{t.head.topic}</th>
              <th scope="col">{t.head.sft}</th>
              <th scope="col">{t.head.rl}</th>
            </tr>
          </thead>
          <tbody>
            {t.rows.map((r) => (
              <tr key={r.topic}>
                <th scope="row">{r.topic}</th>
                <td>{r.sft}</td>
                <td>{r.rl}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <Card title={t.rulesTitle}>
        <ul className="rules">
          {t.rules.map((r) => (
            <li key={r.term}>
              <strong>{r.term}</strong> — {r.text}
            </li>
          ))}
        </ul>
      </Card>
      <div className="actions">
        <Button variant="primary" onClick={() => go(back === 'sft-or-rl' || back === 'loading' ? 'wizard' : back)}>{t.back}</Button>
      </div>
    </div>
  )
}
