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
 * progress and Cancel; `onImported` gets the report. A new import cancels one still running (the sample the
 * step chose by itself must not hold up the file the user just dropped).
 */
export function useDatasetImport(onImported: (r: ImportReportView) => void) {
  const op = useOp()
  const [upload, setUpload] = useState<UploadProgress | null>(null)
  const [failure, setFailure] = useState<Failure | null>(null)
  /** The file the last file import used, kept for a re-import (another format) while its grant lasts. */
  const [picked, setPicked] = useState<PickedFile | null>(null)
  const uploadAbort = useRef<AbortController | null>(null)
  const opRef = useRef<string | null>(null)
  const inflight = useRef<Promise<unknown> | null>(null)
  const busy = op.opId !== null || upload !== null

  const cancel = (): void => {
    uploadAbort.current?.abort()
    if (opRef.current) void api.opCancel({ opId: opRef.current })
  }

  /** Runs one import at a time: a running one is cancelled (and awaited) first. */
  const exclusive = async <T>(work: () => Promise<T>): Promise<T> => {
    const previous = inflight.current
    if (previous) {
      cancel()
      await previous.catch(() => undefined)
    }
    const p = work()
    inflight.current = p
    try {
      return await p
    } finally {
      if (inflight.current === p) inflight.current = null
    }
  }

  const run = useCallback(
    async (start: (opId: string) => Promise<Result<ImportReportView>>): Promise<boolean> => {
      setFailure(null)
      const id = op.start('import')
      opRef.current = id
      const r = await start(id)
      opRef.current = null
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
    exclusive(() => run((opId) => api.datasetImport({ opId, source: { kind: 'hub', repo, ...(split ? { split } : {}) }, format, ...(endpoint ? { endpoint } : {}) })))

  const importSample = (): Promise<boolean> => exclusive(() => run((opId) => api.datasetImport({ opId, source: { kind: 'sample' } })))

  const startPicked = (file: PickedFile, split: string, format: Format): Promise<boolean> => {
    setPicked(file)
    return run((opId) => api.datasetImport({ opId, source: { kind: 'picked', handle: file.handle, ...(split ? { split } : {}) }, format }))
  }
  const importPicked = (file: PickedFile, split: string, format: Format): Promise<boolean> => exclusive(() => startPicked(file, split, format))

  /** A File the user chose or dropped in the page: its handle (an upload in browser mode), then the import. */
  const importFile = (file: File, split: string, format: Format): Promise<boolean> => exclusive(() => uploadThenImport(file, split, format))
  const uploadThenImport = async (file: File, split: string, format: Format): Promise<boolean> => {
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
    return startPicked(r.value, split, format)
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

  const progress: ProgressEvent | { phase: 'uploading'; current: number; total: number } | null = upload
    ? { phase: 'uploading', current: upload.sent, total: upload.total }
    : op.progress
  return { busy, progress, failure, setFailure, picked, importHub, importSample, importPicked, importFile, pickAndImport, cancel }
}
