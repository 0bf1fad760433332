/** A button that copies a text and says so for a moment (visible and to screen readers). */
import { useEffect, useState } from 'react'
import { copyText } from '../lib/clipboard'
import { Button } from './ui'

export function CopyButton({ text, label, copiedLabel, testId }: { text: string; label: string; copiedLabel: string; testId?: string }): React.JSX.Element {
  const [copied, setCopied] = useState(false)
  useEffect(() => {
    if (!copied) return
    const t = setTimeout(() => setCopied(false), 1500)
    return () => clearTimeout(t)
  }, [copied])
  return (
    <Button variant="ghost" className="btn-small" onClick={() => void copyText(text).then(setCopied)} data-testid={testId} aria-live="polite">
      {copied ? copiedLabel : label}
    </Button>
  )
}
