/**
 * Files the user chose in the page (an `<input type=file>`, a drop) turned into handles main accepts. The desktop
 * app asks the preload, which knows where a dropped or chosen file is on disk; browser mode uploads the file to
 * the bridge, streamed from disk by the browser (XMLHttpRequest, for progress and cancel), never through the
 * WebSocket, whose messages are capped.
 */
import { BRIDGE_TOKEN_HEADER, BRIDGE_UPLOAD_PATH, type PickPurpose, type PickedFile } from '../../../shared/contract'
import { UPLOAD_MAX_DATASET_BYTES, UPLOAD_MAX_TOKENIZER_FILE_BYTES } from '../../../shared/defaults'
import { fail, type Result } from '../../../shared/result'
import { api, bridgeToken } from '../api'

export type UploadProgress = { sent: number; total: number }

const UPLOAD_LIMIT: Partial<Record<PickPurpose, number>> = { dataset: UPLOAD_MAX_DATASET_BYTES, 'tokenizer-file': UPLOAD_MAX_TOKENIZER_FILE_BYTES }

/** Whether the app runs in the desktop shell, where picks become paths instead of uploads. */
export const isDesktop = (): boolean => typeof api.pickedFromFile === 'function'

/** A handle for `file`: from the preload on the desktop, else by uploading it (progress and cancel through `opts`). */
export function handleForFile(file: File, purpose: PickPurpose, opts: { onProgress?: (p: UploadProgress) => void; signal?: AbortSignal } = {}): Promise<Result<PickedFile>> {
  if (api.pickedFromFile) return api.pickedFromFile(file, purpose)
  return upload(file, purpose, opts)
}

function upload(file: File, purpose: PickPurpose, opts: { onProgress?: (p: UploadProgress) => void; signal?: AbortSignal }): Promise<Result<PickedFile>> {
  const limit = UPLOAD_LIMIT[purpose]
  // Refused here too, so a 10 GB file is not sent only to be cut off at the limit.
  if (limit !== undefined && file.size > limit)
    return Promise.resolve(fail('file-too-large', `${file.name} is larger than the upload limit of ${Math.round(limit / 1024 ** 2)} MB`, { details: { file: file.name, limitBytes: limit } }))
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', `${BRIDGE_UPLOAD_PATH}?purpose=${encodeURIComponent(purpose)}&name=${encodeURIComponent(file.name)}`)
    xhr.setRequestHeader(BRIDGE_TOKEN_HEADER, bridgeToken())
    xhr.setRequestHeader('Content-Type', 'application/octet-stream')
    xhr.responseType = 'text'
    xhr.upload.onprogress = (e) => opts.onProgress?.({ sent: e.loaded, total: e.lengthComputable ? e.total : file.size })
    xhr.onload = () => {
      try {
        resolve(JSON.parse(xhr.responseText) as Result<PickedFile>)
      } catch {
        resolve(fail('internal', `The upload of ${file.name} got an unreadable answer (HTTP ${xhr.status}).`))
      }
    }
    xhr.onerror = () => resolve(fail('cancelled', `The upload of ${file.name} was interrupted.`))
    xhr.onabort = () => resolve(fail('cancelled', `The upload of ${file.name} was cancelled.`))
    opts.signal?.addEventListener('abort', () => xhr.abort(), { once: true })
    xhr.send(file)
  })
}

/** The file a drag carries, if it carries exactly one file (a folder or several files are not a dataset). */
export function droppedFile(dt: DataTransfer | null): File | null {
  if (!dt || dt.files.length !== 1) return null
  return dt.files[0]
}
