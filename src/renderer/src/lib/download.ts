/** Saves a file the user asked for (export), through the browser's download path in both Electron and the browser. */
export function downloadText(filename: string, mime: string, content: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: mime }))
  downloadUrl(filename, url)
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

export function downloadUrl(filename: string, href: string): void {
  const a = document.createElement('a')
  a.href = href
  a.download = filename
  a.rel = 'noopener'
  document.body.appendChild(a)
  a.click()
  a.remove()
}

