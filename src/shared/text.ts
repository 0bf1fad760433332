/**
 * Control characters in text that came from outside (dataset rows, file and server names): a terminal
 * would act on them (ESC sequences clear the screen or rewrite lines), a page may hide or reorder text
 * around them (bidirectional overrides). They are shown escaped, never passed through.
 * No node or electron imports: the renderer bundles this file.
 */

/* eslint-disable no-control-regex -- matching control characters is the point of this module */
// C0 controls except tab/newline/carriage return, DEL, C1 controls, and the bidirectional marks,
// overrides and isolates (U+200E/F, U+202A–E, U+2066–9).
const HIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g
const ANY_CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/
/* eslint-enable no-control-regex */

/** Each control character as a visible `\u001b`-style escape; tabs and line breaks are kept. */
export const escapeControlChars = (s: string): string =>
  s.replace(HIDDEN, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)

/** True when a name holds any control character, tabs and line breaks included. */
export const hasControlChars = (s: string): boolean => ANY_CONTROL.test(s)
