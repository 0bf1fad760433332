import { useCallback, useRef, useState } from 'react'
import type { ImportReportView, PickedFile, ProgressEvent } from '../../../shared/contract'
import type { Failure, Result } from '../../../shared/result'
import { api } from '../api'
import { useOp } from '../components/use-op'
import { handleForFile, type UploadProgress } from '../lib/pick-files'

type Format = 'auto' | 'messages' | 'sharegpt' | 'alpaca'

/**
 * The dataset step's imports: from the hub, the sample, a picked file (the desktop's dialog), or a File from
 * the page (an `<input type=file>` or a drop: uploaded first in browser mode). One at a time, each with
 * progress and Cancel; `onImported` gets the report.
 */
export function useDatasetImport(onImported: (r: ImportReportView) => void) {
  const op = useOp()
  const [upload, setUpload] = useState<UploadProgress | null>(null)
  const [failure, setFailure] = useState<Failure | null>(null)
  /** The file the last file import used, kept for a re-import (another format) while its grant lasts. */
  const [picked, setPicked] = useState<PickedFile | null>(null)
  const uploadAbort = useRef<AbortController | null>(null)
  const busy = op.opId !== null || upload !== null

  const run = useCallback(
    async (start: (opId: string) => Promise<Result<ImportReportView>>): Promise<boolean> => {
      setFailure(null)
      const r = await start(op.start('import'))
      op.done()
      if (!r.ok) {
        setFailure(r)
        return false
      }
      onImported(r.value)
      return true
    },
    [op, onImported],
  )

  const importHub = (repo: string, split: string, format: Format, endpoint: string | null): Promise<boolean> =>
    run((opId) => api.datasetImport({ opId, source: { kind: 'hub', repo, ...(split ? { split } : {}) }, format, ...(endpoint ? { endpoint } : {}) }))

  const importSample = (): Promise<boolean> => run((opId) => api.datasetImport({ opId, source: { kind: 'sample' } }))

  const importPicked = (file: PickedFile, split: string, format: Format): Promise<boolean> => {
    setPicked(file)
    return run((opId) => api.datasetImport({ opId, source: { kind: 'picked', handle: file.handle, ...(split ? { split } : {}) }, format }))
  }

  /** A File the user chose or dropped in the page: its handle (an upload in browser mode), then the import. */
  const importFile = async (file: File, split: string, format: Format): Promise<boolean> => {
    setFailure(null)
    const abort = new AbortController()
    uploadAbort.current = abort
    setUpload({ sent: 0, total: file.size })
    let r: Result<PickedFile>
    try {
      r = await handleForFile(file, 'dataset', { signal: abort.signal, onProgress: setUpload })
    } finally {
      uploadAbort.current = null
      setUpload(null)
    }
    if (!r.ok) {
      setFailure(r)
      return false
    }
    return importPicked(r.value, split, format)
  }

  /** The desktop's open dialog, then the import; false when the user closed the dialog. */
  const pickAndImport = async (split: string, format: Format): Promise<boolean> => {
    setFailure(null)
    const r = await api.filePick({ purpose: 'dataset' })
    if (!r.ok) {
      setFailure(r)
      return false
    }
    return r.value ? importPicked(r.value, split, format) : false
  }

  const cancel = (): void => {
    uploadAbort.current?.abort()
    if (op.opId) void api.opCancel({ opId: op.opId })
  }

  const progress: ProgressEvent | { phase: 'uploading'; current: number; total: number } | null = upload
    ? { phase: 'uploading', current: upload.sent, total: upload.total }
    : op.progress
  return { busy, progress, failure, setFailure, picked, importHub, importSample, importPicked, importFile, pickAndImport, cancel }
}
