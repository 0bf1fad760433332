/**
 * A structural scanner for JSON text as bytes: it finds where values start and end (strings, brackets,
 * separators) without building them, so a file of any size is read in constant memory. The reader uses it
 * to cut a JSON array into the bytes of its elements (each then checked for UTF-8, size and nesting and
 * parsed by the native JSON.parse) and to tell a JSON document from JSON Lines by content. Streaming JSON
 * libraries build values token by token in JavaScript instead: they cannot hand over a row's raw bytes
 * and parse several times slower than JSON.parse.
 *
 * The scanner checks structure only (brackets that match, values where values belong); everything else
 * about a value's syntax is left to JSON.parse on that value.
 */

const QUOTE = 0x22
const BACKSLASH = 0x5c
const LBRACE = 0x7b
const RBRACE = 0x7d
const LBRACKET = 0x5b
const RBRACKET = 0x5d
const COMMA = 0x2c
const COLON = 0x3a
const NEWLINE = 0x0a

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09

/** What the innermost open container expects next. */
const enum Want {
  Value,
  Key,
  Colon,
  Separator,
}

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at byte ${offset}`)
    this.name = 'JsonSyntaxError'
  }
}

/**
 * Feed it chunks in order; it calls `valueStart` / `valueEnd` with the depth of the value (0 = top level)
 * and absolute byte offsets (end exclusive), and `key` with the raw bytes of object keys at depth 1.
 */
export class JsonScanner {
  depth = 0
  /** Deepest nesting reached so far (1 for `[]`, 2 for `[[]]` …). */
  maxDepth = 0
  private stopped = false
  private stack: number[] = []
  private wants: Want[] = [Want.Value]
  private inString = false
  private escaped = false
  private stringIsKey = false
  private inLiteral = false
  private keyParts: Buffer[] | null = null
  private keyLength = 0
  constructor(
    private readonly hooks: {
      valueStart?: (depth: number, offset: number, byte: number) => void
      valueEnd?: (depth: number, end: number) => void
      key?: (raw: Buffer) => void
      /** Called for every line feed outside strings inside a container: lets callers notice multi-line values. */
      newline?: (depth: number, offset: number) => void
    } = {},
    /** Key bytes kept per key (longer keys are cut: they are only compared to short names). */
    private readonly maxKeyBytes = 256,
  ) {}

  /** Scans `chunk`, whose first byte is at absolute offset `base`; does nothing once `stop()` was called. */
  feed(chunk: Uint8Array, base: number): void {
    const n = chunk.length
    let i = 0
    while (i < n && !this.stopped) {
      if (this.inString) {
        const start = i
        // Strings hold most of the bytes: a tight loop that only looks for the closing quote.
        while (i < n) {
          const c = chunk[i]
          if (this.escaped) this.escaped = false
          else if (c === BACKSLASH) this.escaped = true
          else if (c === QUOTE) break
          i++
        }
        if (this.keyParts) this.keepKey(chunk.subarray(start, i))
        if (i === n) return
        this.inString = false
        i++
        this.endString(base + i)
        continue
      }
      const c = chunk[i]
      if (this.inLiteral) {
        if (isSpace(c) || c === COMMA || c === RBRACE || c === RBRACKET || c === COLON) {
          this.inLiteral = false
          this.endValue(base + i)
        } else {
          i++
          continue
        }
      }
      if (isSpace(c)) {
        if (c === NEWLINE && this.depth > 0) this.hooks.newline?.(this.depth, base + i)
        i++
        continue
      }
      const want = this.wants[this.wants.length - 1]
      switch (c) {
        case QUOTE:
          if (want === Want.Key) {
            this.stringIsKey = true
            if (this.depth === 1 && this.hooks.key) {
              this.keyParts = []
              this.keyLength = 0
            }
          } else {
            this.expectValue(want, base + i)
            this.startValue(base + i, c)
            this.stringIsKey = false
          }
          this.inString = true
          break
        case LBRACE:
        case LBRACKET:
          this.expectValue(want, base + i)
          this.startValue(base + i, c)
          this.stack.push(c)
          this.wants.push(c === LBRACE ? Want.Key : Want.Value)
          this.depth++
          if (this.depth > this.maxDepth) this.maxDepth = this.depth
          break
        case RBRACE:
        case RBRACKET: {
          const open = this.stack.pop()
          if (open !== (c === RBRACE ? LBRACE : LBRACKET)) throw new JsonSyntaxError(`Unexpected "${String.fromCharCode(c)}"`, base + i)
          // `[1,]`, `{"a":}` and `{"a"}` are left for JSON.parse; only the structure matters here.
          this.wants.pop()
          this.depth--
          this.endValue(base + i + 1)
          break
        }
        case COMMA:
          if (want !== Want.Separator || this.depth === 0) throw new JsonSyntaxError('Unexpected ","', base + i)
          this.wants[this.wants.length - 1] = this.stack[this.stack.length - 1] === LBRACE ? Want.Key : Want.Value
          break
        case COLON:
          if (want !== Want.Colon) throw new JsonSyntaxError('Unexpected ":"', base + i)
          this.wants[this.wants.length - 1] = Want.Value
          break
        default:
          // A number or true/false/null (or junk JSON.parse will reject): runs to the next separator.
          this.expectValue(want, base + i)
          this.startValue(base + i, c)
          this.inLiteral = true
      }
      i++
    }
  }

  /** Ends scanning from inside a hook: the rest of the input is not looked at (nor checked). */
  stop(): void {
    this.stopped = true
  }

  /** Call at the end of the input: closes a trailing literal, and says whether every container closed. */
  finish(end: number): boolean {
    if (this.inLiteral) {
      this.inLiteral = false
      this.endValue(end)
    }
    return this.depth === 0 && !this.inString
  }

  private expectValue(want: Want, offset: number): void {
    if (want === Want.Value) return
    // A second top-level value (JSON Lines, concatenated JSON) is a value where a separator was due.
    if (this.depth === 0 && want === Want.Separator) return
    throw new JsonSyntaxError('Unexpected value', offset)
  }

  private startValue(offset: number, byte: number): void {
    this.hooks.valueStart?.(this.depth, offset, byte)
  }

  private endString(end: number): void {
    if (this.stringIsKey) {
      this.stringIsKey = false
      this.wants[this.wants.length - 1] = Want.Colon
      if (this.keyParts) {
        this.hooks.key?.(Buffer.concat(this.keyParts, this.keyLength))
        this.keyParts = null
      }
      return
    }
    this.endValue(end)
  }

  private endValue(end: number): void {
    this.wants[this.wants.length - 1] = Want.Separator
    this.hooks.valueEnd?.(this.depth, end)
  }

  private keepKey(part: Uint8Array): void {
    const room = this.maxKeyBytes - this.keyLength
    if (room <= 0 || !this.keyParts) return
    const take = part.length > room ? part.subarray(0, room) : part
    this.keyParts.push(Buffer.from(take))
    this.keyLength += take.length
  }
}

/**
 * How deeply a JSON text nests, stopping early once past `limit` (a row is rejected beyond it, and
 * excerpting or walking such a value would overflow the stack). A text with no more opening brackets
 * than `limit` cannot be deeper, which is every ordinary chat row: those are not scanned at all.
 */
export function nestingDeeperThan(text: Uint8Array, limit: number): boolean {
  let openers = 0
  for (let at = text.indexOf(LBRACE); at !== -1 && openers <= limit; at = text.indexOf(LBRACE, at + 1)) openers++
  for (let at = text.indexOf(LBRACKET); at !== -1 && openers <= limit; at = text.indexOf(LBRACKET, at + 1)) openers++
  if (openers <= limit) return false
  const scanner: JsonScanner = new JsonScanner({
    valueStart: () => {
      if (scanner.maxDepth > limit) scanner.stop()
    },
  })
  try {
    scanner.feed(text, 0)
  } catch {
    // Broken structure: JSON.parse reports it; the depth seen so far still counts.
  }
  return scanner.maxDepth > limit
}
