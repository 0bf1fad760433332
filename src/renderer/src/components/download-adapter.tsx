/**
 * "Download adapter" for one checkpoint: main copies it into the data folder when the server runs on this machine
 * (or gives a downloadable archive), else answers where the weights live on the server; both are shown here.
 */
import { useState } from 'react'
import type { Failure } from '../../../shared/result'
import type { AdapterDownload } from '../../../shared/server-browser'
import { useT } from '../i18n'
import { api } from '../api'
import { HintPanel } from './hint-panel'
import { Button, Notice } from './ui'
import { useOp } from './use-op'

export function DownloadAdapter({ server, tinkerPath }: { server?: string; tinkerPath: string }): React.JSX.Element {
  const { t } = useT()
  const u = t.useModel
  const op = useOp()
  const [busy, setBusy] = useState(false)
  const [done, setDone] = useState<AdapterDownload | null>(null)
  const [unlisted, setUnlisted] = useState(false)
  const [failure, setFailure] = useState<Failure | null>(null)

  const fetchAdapter = async (): Promise<void> => {
    setBusy(true)
    setFailure(null)
    try {
      const r = await api.serverCheckpointDownload({ ...(server ? { server } : {}), opId: op.start('adapter'), tinkerPath })
      if (r.ok) setDone(r.value)
      // A run the server no longer lists (unloaded when it ended) has no archive to hand out, and its folder is not
      // on this machine.
      else if (r.code === 'not-found') setUnlisted(true)
      else setFailure(r)
    } finally {
      op.done()
      setBusy(false)
    }
  }

  return (
    <div className="download-adapter">
      <div className="row">
        <Button onClick={() => void fetchAdapter()} busy={busy} disabled={busy || unlisted} data-testid="download-adapter">
          {u.download}
        </Button>
        {busy && <span className="muted small">{u.downloading}</span>}
      </div>
      {done?.kind === 'saved' && <Notice tone="ok" testId="adapter-saved">{u.downloaded(done.dir)}</Notice>}
      {done?.kind === 'on-server' && <Notice tone="info" testId="adapter-on-server">{u.onServer(done.serverPath ?? done.url)}</Notice>}
      {unlisted && <Notice tone="info" testId="adapter-unlisted">{u.notListed}</Notice>}
      {failure && <HintPanel failure={failure} handlers={{ retry: fetchAdapter }} />}
    </div>
  )
}
