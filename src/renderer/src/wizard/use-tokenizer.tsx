/**
 * The model step's tokenizer: loaded (from the cache, the app's copy, a folder chosen for the model, or the
 * hub) with progress and Cancel; when the hub cannot serve it, through a mirror, or from a tokenizer folder
 * on this machine (the desktop's folder dialog, or the folder's two files uploaded in browser mode), checked
 * and remembered for the model.
 */
import { useEffect, useMemo, useRef, useState } from 'react'
import type { PickedFile, TokenizerInfo } from '../../../shared/contract'
import { fail, type Failure, type Result } from '../../../shared/result'
import { api } from '../api'
import { useT } from '../i18n'
import { handleForFile, isDesktop } from '../lib/pick-files'
import { newOpId, useOps } from '../stores/ops-store'
import { useSettings } from '../stores/settings-store'

const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json'] as const

/** The folder's two tokenizer files from a folder the browser read (`webkitRelativePath` = folder/name). */
function tokenizerFilesOf(list: FileList): { files: File[]; folder: string; missing: string[] } {
  const all = Array.from(list)
  const folder = all[0]?.webkitRelativePath.split('/')[0] ?? ''
  // Only the folder's own files (a model folder may hold copies in subfolders).
  const top = all.filter((f) => f.webkitRelativePath.split('/').length === 2)
  const files = TOKENIZER_FILES.map((n) => top.find((f) => f.name === n)).filter((f): f is File => !!f)
  return { files, folder, missing: TOKENIZER_FILES.filter((n) => !files.some((f) => f.name === n)) }
}

export function useTokenizer(tokenizerId: string | null, onReady: (ready: boolean) => void) {
  const { t } = useT()
  const update = useSettings((s) => s.update)
  const [attempt, setAttempt] = useState(0)
  const [endpoint, setEndpoint] = useState<string | null>(null)
  const [state, setState] = useState<{ key: string; info: TokenizerInfo | null } | null>(null)
  const [failure, setFailure] = useState<Failure | null>(null)
  const [folderOp, setFolderOp] = useState<string | null>(null)
  const folderInput = useRef<HTMLInputElement>(null)

  // One op id per attempt, for its progress and Cancel.
  const key = `${tokenizerId}:${attempt}`
  const opId = useMemo(() => (key ? newOpId('tokenizer') : ''), [key])
  const progress = useOps((s) => s.progress[folderOp ?? opId] ?? null)
  useEffect(() => {
    if (!tokenizerId) return
    let live = true
    void api.tokenizerLoad({ opId, modelId: tokenizerId, ...(endpoint ? { endpoint } : {}) }).then(async (r) => {
      if (!live) return
      setState({ key, info: r.ok ? r.value : null })
      setFailure(r.ok ? null : r)
      onReady(r.ok)
      // A mirror that served the tokenizer becomes the hub endpoint, as on the dataset step.
      if (r.ok && endpoint && r.value.provenance.origin === 'hub') await update({ hfEndpoint: endpoint })
    })
    return () => {
      live = false
    }
  }, [tokenizerId, opId, key, endpoint, onReady, update])

  const current = state?.key === key ? state : null
  const busy = (!!tokenizerId && current === null) || folderOp !== null
  const reload = (): void => {
    setFailure(null)
    setAttempt((a) => a + 1)
  }

  const applyFolder = async (start: (opId: string) => Promise<Result<TokenizerInfo>>): Promise<void> => {
    const id = newOpId('tokenizer-folder')
    setFolderOp(id)
    setFailure(null)
    const r = await start(id)
    setFolderOp(null)
    if (!r.ok) return setFailure(r)
    setState({ key, info: r.value })
    onReady(true)
  }

  const chooseFolder = async (): Promise<void> => {
    if (!tokenizerId) return
    if (!isDesktop()) return folderInput.current?.click()
    const picked = await api.filePick({ purpose: 'tokenizer-folder' })
    if (!picked.ok) return setFailure(picked)
    const folder = picked.value
    if (folder) await applyFolder((id) => api.tokenizerUseFolder({ opId: id, modelId: tokenizerId, folder: folder.handle }))
  }

  const uploadFolder = async (list: FileList): Promise<void> => {
    if (!tokenizerId) return
    const { files, folder, missing } = tokenizerFilesOf(list)
    if (missing.length > 0) return setFailure(fail('tokenizer-not-found', t.model.tokenizerFolderMissing(missing.join(', ')), { details: { missing } }))
    await applyFolder(async (id) => {
      const handles: PickedFile[] = []
      for (const f of files) {
        const r = await handleForFile(f, 'tokenizer-file')
        if (!r.ok) return r
        handles.push(r.value)
      }
      return api.tokenizerUseFolder({ opId: id, modelId: tokenizerId, files: handles.map((h) => h.handle), ...(folder ? { label: folder } : {}) })
    })
  }

  const forget = async (): Promise<void> => {
    if (!tokenizerId) return
    await api.tokenizerForgetFolder({ modelId: tokenizerId })
    onReady(false)
    reload()
  }

  const cancel = (): void => void api.opCancel({ opId: folderOp ?? opId })

  // Browser mode's folder picker: the browser lists the folder; only its two tokenizer files are uploaded.
  const folderPicker = (
    <input
      ref={folderInput}
      type="file"
      hidden
      multiple
      data-testid="tokenizer-folder-input"
      {...({ webkitdirectory: '' } as Record<string, string>)}
      onChange={(e) => {
        const list = e.target.files
        if (list && list.length > 0) void uploadFolder(list)
        e.target.value = ''
      }}
    />
  )

  return {
    info: current?.info ?? null,
    busy,
    progress,
    failure,
    clearFailure: () => setFailure(null),
    retry: reload,
    useMirror: (ep: string) => {
      setEndpoint(ep)
      reload()
    },
    chooseFolder,
    forget,
    cancel,
    folderPicker,
  }
}
