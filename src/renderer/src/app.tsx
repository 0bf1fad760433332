/**
 * The app shell: subscribes once to main's push events, decides the first screen (the wizard until one run
 * has completed, then the run history) and renders the navigation and the current view.
 */
import { useEffect } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { UiStrings } from '../../shared/i18n'
import { api } from './api'
import { useLocale, useT } from './i18n'
import { useNav, type View } from './stores/nav-store'
import { useOps } from './stores/ops-store'
import { useRuns } from './stores/run-store'
import { useSettings } from './stores/settings-store'
import { useWizard, wizardStarted } from './stores/wizard-store'
import { Wizard } from './wizard/wizard'
import { SftOrRl } from './views/sft-or-rl'
import { History } from './views/history'
import { RunView } from './views/run-view'
import { Compare } from './views/compare'
import { Playground } from './views/playground'
import { Settings } from './views/settings'
import { ServerView } from './views/server-view'

const NAV = [
  { view: 'wizard', labelKey: 'newRun' },
  { view: 'history', labelKey: 'history' },
  { view: 'compare', labelKey: 'compare' },
  { view: 'playground', labelKey: 'playground' },
  { view: 'server', labelKey: 'server' },
  { view: 'settings', labelKey: 'settings' },
] as const satisfies readonly { view: View; labelKey: keyof UiStrings['nav'] }[]

export function App(): React.JSX.Element {
  const { view, go } = useNav(useShallow((s) => ({ view: s.view, go: s.go })))
  const load = useSettings((s) => s.load)
  const { t, locale } = useT()

  // The document's language picks the right CJK glyph forms and tells screen readers how to speak.
  useEffect(() => {
    document.documentElement.lang = locale
  }, [locale])

  useEffect(() => {
    void api.appInfo().then((r) => r.ok && useLocale.getState().setShellLanguages(r.value.systemLocales))
    const offProgress = api.on('progress', (e) => useOps.getState().apply(e))
    const offRun = api.on('run', (e) => useRuns.getState().apply(e))
    void load().then(() => {
      const s = useSettings.getState().settings
      if (useNav.getState().view === 'loading') useNav.getState().go(s?.wizardCompleted ? 'history' : 'wizard')
    })
    return () => {
      offProgress()
      offRun()
    }
  }, [load])

  // "New run" means a new run: once the wizard has started one, it opens afresh instead of on that run's training.
  const open = (target: View): void => {
    if (target === 'wizard' && wizardStarted(useWizard.getState())) useWizard.getState().newRun()
    go(target)
  }

  return (
    <div className="shell">
      <a
        href="#main"
        className="skip-link"
        data-testid="skip-link"
        onClick={(e) => {
          e.preventDefault()
          // The screen's own heading when it can take the focus (wizard steps), else the content area.
          const target = document.querySelector<HTMLElement>('#main h1[tabindex]') ?? document.getElementById('main')
          target?.focus()
        }}
      >
        {t.app.skipLink}
      </a>
      <header className="topbar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">T</span>
          <span className="brand-name">{t.app.name}</span>
          <span className="brand-tag">{t.app.tagline}</span>
        </div>
        <nav className="topnav" aria-label={t.nav.label}>
          {NAV.map((n) => (
            <button key={n.view} type="button" className={`navlink${view === n.view || (n.view === 'history' && view === 'run') ? ' active' : ''}`} aria-current={view === n.view ? 'page' : undefined} onClick={() => open(n.view)} data-testid={`nav-${n.view}`}>
              {t.nav[n.labelKey]}
            </button>
          ))}
          <button type="button" className={`navlink subtle${view === 'sft-or-rl' ? ' active' : ''}`} onClick={() => go('sft-or-rl')}>
            {t.nav.sftOrRl}
          </button>
        </nav>
      </header>
      <main className="content" id="main" tabIndex={-1}>
        {view === 'loading' && <div className="loading">{t.app.loading}</div>}
        {view === 'wizard' && <Wizard />}
        {view === 'history' && <History />}
        {view === 'run' && <RunView />}
        {view === 'compare' && <Compare />}
        {view === 'playground' && <Playground />}
        {view === 'settings' && <Settings />}
        {view === 'server' && <ServerView />}
        {view === 'sft-or-rl' && <SftOrRl />}
      </main>
    </div>
  )
}
