/**
 * One naming rule for every file TuFT Studio exports: `<name slug>-<kind>.<extension>`, e.g.
 * `no_robots-r32-lr1e-4-metrics.csv`, `…-config.json`, `…-train.py` (with `…-datums.jsonl`), `…-nll.png`; the best-checkpoint variants are `…-best-config.json` and `…-best-train.py`. The slug keeps letters and
 * digits of any script (a run may have a Chinese name), `.`, `_` and `-`; everything else becomes `-`.
 * No node or electron imports: main (CSV, config, script) and the renderer (PNG) both name files here.
 */

/** What an export holds, as its file name says it. */
export type ExportKind = 'metrics' | 'config' | 'best-config' | 'train' | 'best-train' | 'datums' | 'nll' | 'train-nll' | 'test-nll'
export type ExportExtension = 'csv' | 'json' | 'jsonl' | 'py' | 'png'

const SLUG_MAX_CHARS = 80 // ours: room for the kind and extension within the 255-byte file-name limit of common file systems, even in 3-byte UTF-8

export function exportSlug(name: string): string {
  const slug = name
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}._-]+/gu, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
  return [...slug].slice(0, SLUG_MAX_CHARS).join('').replace(/[-.]+$/g, '') || 'run'
}

export function exportFileName(name: string, kind: ExportKind, ext: ExportExtension): string {
  return `${exportSlug(name)}-${kind}.${ext}`
}
