/**
 * The English UI catalogue: every user-facing string of the renderer, in one place so wording is reviewed
 * together (error explanations live in catalogue.ts). It is also the catalogue's type: `UiStrings` is
 * `typeof en`, and every other language (ui-strings.zh-cn.ts) is declared with it, so a key missing or extra
 * there fails the type check.
 *
 * Adding a string: add the key here AND in ui-strings.zh-cn.ts (same place in the tree); components read it
 * through `useT()` (src/renderer/src/i18n), never by importing this file.
 * Functions take the values they interpolate, as numbers where the wording depends on them (plurals), and
 * format them with this language's `fmt`; components never concatenate their own prose. A function that only
 * picks one of several fixed sentences needs `: string` on its result, or its type would be those sentences.
 * Model ids, code, flags, environment variables and file names stay as they are in every language.
 * No node or electron imports: the renderer bundles this file.
 */
import type { DialogPurpose, KeySource, KeyStatus, PickPurpose, SandboxStatus, ServerSource, TokenizerProvenance } from './contract'
import type { DatasetFormat, ImportWarning, RejectionReason, RowFact, ValueKind } from './datasets'
import type { LocalServerField } from './local-server'
import type { CheckpointKind, ResumableParam, RunPhase, RunStatus } from './runs'
import { createFormat } from './i18n/format'

/** The numbers the guide's advice names (rank, max, lr), as the advice functions in lib/advice.ts give them. */
export type AdviceValues = Record<string, number>

const fmt = createFormat('en')
const n = fmt.int

export const en = {
  app: {
    name: 'TuFT Studio',
    tagline: 'LoRA chat fine-tuning on a TuFT server',
    loading: 'Starting TuFT Studio…',
    modeBrowser: 'Browser mode',
    modeElectron: 'Desktop',
    skipLink: 'Skip to the main content',
  },
  language: {
    label: 'Language',
    /** The Settings choice that follows the OS/browser language; `current` is that language's own name. */
    followSystem: (current: string) => `Follow the system (${current})`,
  },
  nav: {
    label: 'Main',
    newRun: 'New run',
    history: 'Runs',
    compare: 'Compare',
    playground: 'Playground',
    settings: 'Settings',
    sftOrRl: 'SFT or RL?',
    server: 'Server',
  },
  common: {
    continue: 'Continue',
    back: 'Back',
    retry: 'Retry',
    cancel: 'Cancel',
    close: 'Close',
    save: 'Save',
    delete: 'Delete',
    rename: 'Rename',
    confirm: 'Confirm',
    notReported: 'not reported',
    working: 'Working…',
    previous: 'Previous',
    next: 'Next',
  },
  /** Phases of long operations as main reports them (imports, tokenizer downloads, tokenizing). */
  progressPhase: {
    listing: 'Listing files',
    downloading: 'Downloading',
    parsing: 'Parsing',
    validating: 'Validating',
    checking: 'Checking the hub',
    uploading: 'Uploading',
    loading: 'Loading',
    tokenizing: 'Tokenizing',
    saving: 'Saving',
  },
  /** Chat roles as shown on conversation previews. */
  roles: { system: 'system', user: 'user', assistant: 'assistant', tool: 'tool' },
  chart: {
    step: 'step',
    nll: 'NLL',
    stepAt: (s: number) => `step ${n(s)}`,
  },
  wizard: {
    title: 'New fine-tuning run',
    steps: { connect: 'Connect', dataset: 'Dataset', model: 'Model & template', 'rank-lr': 'Rank & LR', review: 'Review', train: 'Train' },
    stepOf: (i: number, total: number) => `Step ${n(i)} of ${n(total)}`,
    sftOrRlLink: 'Not sure SFT is right for your task?',
  },
  connect: {
    title: 'Connect to a TuFT server',
    intro:
      'TuFT Studio trains on a TuFT server (the Tinker API, port 10610 by default). Pick a discovered server or type its address, then test the connection. No GPU? Use the local sandbox to try everything.',
    discovered: 'Discovered servers',
    noneDiscovered: 'No server was discovered.',
    sourceLabel: {
      explicit: 'typed in',
      TUFT_ADDRESS: 'TUFT_ADDRESS',
      TINKER_BASE_URL: 'TINKER_BASE_URL',
      'address-file': '~/.tuft address file',
      default: 'default address',
      saved: 'saved in settings',
      sandbox: 'local sandbox',
      'local-server': 'local TuFT started here',
    } satisfies Record<ServerSource, string>,
    url: 'Server URL',
    apiKey: 'API key',
    apiKeyPlaceholder: (stored: string | null, env: string | null): string =>
      stored ? `Leave empty to keep the stored key (${stored})` : env ? `Leave empty to use TINKER_API_KEY (${env})` : 'The server’s API key, if it needs one',
    apiKeyWillSave: (replaces: string | null): string =>
      replaces
        ? `Testing the connection saves this key in TuFT Studio’s settings, encrypted on this machine, in place of the stored key (${replaces}).`
        : 'Testing the connection saves this key in TuFT Studio’s settings, encrypted on this machine.',
    keySaved: (masked: string | null) => `Saved the key ${masked ?? ''} in TuFT Studio’s settings, encrypted on this machine. Change or clear it in Settings → API key.`,
    editKey: 'Enter another key',
    urlPlaceholder: 'http://127.0.0.1:10610',
    apiKeyHelp: 'Stored encrypted on this machine and sent as X-API-Key. It is never shown again, logged or exported.',
    keyStatus: (k: Pick<KeyStatus, 'set' | 'storage' | 'masked' | 'envMasked'>): string =>
      k.set
        ? `Stored key: ${k.masked ?? ''} (${k.storage === 'safe-storage' ? 'encrypted by the OS keychain' : 'in an encrypted key file'}); requests send it.`
        : k.envMasked
          ? `No key stored in the app; requests send TINKER_API_KEY (${k.envMasked}).`
          : 'No key stored and TINKER_API_KEY is not set: requests send no key.',
    envDiffers: (envMasked: string | null) => `TINKER_API_KEY (${envMasked ?? ''}) is also set and differs; the stored key wins over it.`,
    test: 'Test connection',
    testFirst: 'Test the connection to continue.',
    urlChanged: 'The address changed since the last test: test it again to continue.',
    testing: 'Checking health, key and capabilities…',
    sandbox: 'Use the local sandbox',
    sandboxStarting: 'Starting the local sandbox…',
    sandboxRunning: (url: string) => `Local sandbox running at ${url}`,
    sandboxNote: 'A small CPU model over the Qwen3 vocabulary; loss falls like a real run, answers are not meaningful.',
    sandboxOwnKey: (masked: string | null): string =>
      masked ? `The sandbox uses its own key (${masked}): there is nothing to type.` : 'The sandbox makes its own key when it starts: there is nothing to type.',
    sandboxKey: (masked: string) => `Key ${masked}`,
    copyKey: 'Copy key',
    keyCopied: 'Copied to the clipboard',
    copyFailed: 'The clipboard refused the key: allow clipboard access for this page and try again.',
    sandboxPort: (s: Pick<SandboxStatus, 'fixedPort' | 'fixedPortSource'>): string =>
      s.fixedPort === null
        ? 'Its port is picked at each start.'
        : s.fixedPortSource === 'serve-flag'
          ? `Fixed port ${s.fixedPort} (npm run serve -- --sandbox-port).`
          : `Fixed port ${s.fixedPort} (Settings).`,
    fixPort: 'Choose a fixed port in Settings',
    ok: 'Connected',
    health: (ms: number) => `Healthy · ${fmt.milliseconds(Math.round(ms))}`,
    models: 'Models served',
    maxRank: (r: number | undefined) => (r === undefined ? 'max rank not reported' : `max LoRA rank ${n(r)}`),
    maxContext: (c: number | undefined) => (c === undefined ? '' : `context ${n(c)}`),
    keyUsed: (source: KeySource, masked: string | null): string =>
      source === 'none'
        ? 'no key sent'
        : source === 'sandbox'
          ? `the sandbox’s own key ${masked ?? ''}`
          : source === 'local-server'
            ? `the key made for the TuFT server started here ${masked ?? ''}`
            : `key ${masked ?? ''} from ${source === 'settings' ? 'app settings' : source}`,
  },
  dataset: {
    title: 'Choose a chat dataset',
    intro: 'Import a dataset once; it is cached on this machine and works offline afterwards.',
    fromSample: 'Sample dataset',
    fromHub: 'Hugging Face',
    fromFile: 'File on this computer',
    cached: (count: number) => `Already imported (${n(count)})`,
    noneCached: 'Nothing is imported yet. What you import is kept on this machine and works offline; start with one of these:',
    sampleTitle: 'sample-chat',
    sampleText:
      'Short chat conversations written for TuFT Studio. They ship with the app, so the whole flow — chat template, loss mask, training, curves — works without a network. Use your own data for a model you mean to keep.',
    useSample: 'Use the sample dataset',
    sampleChosenOffline: (endpoint: string) =>
      `${endpoint} cannot be reached, so the sample dataset that ships with the app is selected. To use your own data, choose a file, or try a mirror on the Hugging Face tab.`,
    hubChecking: (endpoint: string) => `Checking whether ${endpoint} can be reached…`,
    hubUnreachable: (endpoint: string) => `${endpoint} cannot be reached from here. Try a mirror endpoint below, choose a file, or use the sample dataset.`,
    hubId: 'Dataset id',
    split: 'Split',
    splitPlaceholder: 'all splits',
    file: 'File (.jsonl, .json or .parquet)',
    chooseFile: 'Choose a file…',
    dropHere: 'or drop it here',
    dropToImport: 'Drop the file to import it',
    fileChosen: (name: string, size: string) => `${name} · ${size}`,
    fileNone: 'No file chosen',
    format: 'Format',
    formats: { auto: 'Detect automatically', messages: 'OpenAI messages', sharegpt: 'ShareGPT', alpaca: 'Alpaca' },
    endpoint: 'Hub endpoint',
    endpointHelp: (effective: string, source: 'settings' | 'HF_ENDPOINT' | 'default') =>
      `Import uses the endpoint in this field, and remembers it once an import through it succeeds. Empty: ${effective} (${source === 'settings' ? 'your setting' : source === 'HF_ENDPOINT' ? 'from HF_ENDPOINT' : 'default'}). Behind a firewall, use a mirror such as https://hf-mirror.com.`,
    endpointMirror: (endpoint: string) => `Use ${endpoint}`,
    endpointRemembered: (endpoint: string) => `${endpoint} is now your hub endpoint (Settings → Hugging Face).`,
    endpointReset: 'Reset',
    import: 'Import',
    importing: 'Importing…',
    offline: 'Offline · served from the local cache',
    report: 'Import report',
    detectedFormat: (format: DatasetFormat) => `Format: ${({ messages: 'OpenAI messages (messages · role/content)', sharegpt: 'ShareGPT (conversations · from/value)', alpaca: 'Alpaca (instruction/input/output)' } as const)[format]}`,
    splitRows: (split: string, rows: number) => `${split}: ${n(rows)}`,
    rows: (count: number) => `${n(count)} ${fmt.plural(count, { one: 'conversation', other: 'conversations' })}`,
    rejected: (count: number) => `${n(count)} rejected`,
    warned: (count: number) => `${n(count)} with warnings`,
    rejections: 'Rejected rows',
    rejectionsHelp: 'These rows were not imported. Each reason shows up to three examples, by their row in the file.',
    noRejections: 'Every row was usable.',
    warnings: 'Imported with warnings',
    warningsHelp: 'These rows were imported and train correctly, but they look like a mistake in the data.',
    reason: 'Reason',
    warning: 'Warning',
    count: 'Rows',
    examples: 'Examples',
    exampleRow: (split: string, row: number) => `${split}, row ${n(row)}`,
    /** The excerpt of a parquet row group that cannot be read: the rows it held. */
    rowRange: (first: number, last: number) => `rows ${n(first)}–${n(last)}`,
    reasons: {
      'not-json': 'Not valid JSON',
      'not-utf8': 'Not UTF-8 text (the message names the likely encoding)',
      'too-deeply-nested': 'Nested too deeply to be a chat row',
      'not-an-object': 'Not a JSON object',
      'row-too-large': 'Row larger than 16 MB',
      'missing-messages': 'No list of turns (the “messages” or “conversations” field, or your mapping’s, is missing)',
      'messages-not-a-list': 'The turns are not a list',
      'empty-conversation': 'No turns',
      'message-not-an-object': 'A turn is not an object',
      'missing-role': 'A turn has no role',
      'unknown-role': 'A turn has a role that is not system, user, assistant or tool (map it with a role mapping)',
      'missing-content': 'A turn has no text',
      'non-string-content': 'A turn’s content is not text (an image, a number, an object…)',
      'empty-content': 'A user or assistant turn is empty',
      'missing-fields': 'Alpaca row without “instruction” or “output”',
      'no-assistant-turn': 'No assistant turn: nothing to train on',
      'conversation-too-long': 'Longer than 1,048,576 characters: more than any context holds',
      'unreadable-row-group': 'A part of the parquet file cannot be read',
    } satisfies Record<RejectionReason, string>,
    warningNames: {
      'starts-with-assistant': 'Starts with an assistant turn (no question before the first reply)',
      'consecutive-user-turns': 'Two user turns in a row',
      'consecutive-assistant-turns': 'Two assistant turns in a row',
      'ends-with-user-turn': 'Ends with a user turn nobody answers (context only)',
    } satisfies Record<ImportWarning, string>,
    /** One example's facts (`RowFact`) as a phrase; main prints the same words as the example's `detail`. */
    fact: (f: RowFact): string => {
      const is = (k: ValueKind): string => (k === 'list' ? 'a list' : k)
      switch (f.kind) {
        case 'turn-is':
          return `turn ${n(f.turn)} is ${is(f.is)}`
        case 'turn-no-role':
          return `turn ${n(f.turn)} has no "${f.field}"`
        case 'turn-unknown-role':
          return `turn ${n(f.turn)} role ${f.rawRole}`
        case 'content-missing':
          return `turn ${n(f.turn)} (${f.role}): content is missing or null`
        case 'content-is':
          return `turn ${n(f.turn)} (${f.role}): content is ${is(f.is)}`
        case 'turn-empty':
          return `turn ${n(f.turn)} (${f.role}) is empty`
        case 'no-turns':
          return 'no turns'
        case 'roles':
          return `roles: ${f.roles.join(', ')}`
        case 'field-is':
          return `"${f.field}" is ${is(f.is)}`
        case 'no-field':
          return `no "${f.field}" field`
        case 'no-fields':
          return `no ${f.fields.map((x) => `"${x}"`).join(' or ')}`
        case 'instruction-empty':
          return 'instruction and input are empty'
        case 'output-empty':
          return 'output is empty'
        case 'history-shape':
          return 'history must be [[query, response], …]'
        case 'history-turn-empty':
          return 'empty history turn'
        case 'too-long':
          return `${n(f.chars)} characters; at most ${n(f.max)} are imported`
        case 'row-is':
          return `row is ${is(f.is)}`
        case 'too-deep':
          return `nested more than ${n(f.max)} levels deep`
        case 'too-large':
          return `${f.what} longer than ${n(f.max)} bytes`
        case 'not-utf8':
          return `${f.inValue ? 'a text value is ' : ''}not valid UTF-8${f.byte !== null ? ` at byte ${n(f.byte)} (0x${f.hex ?? ''})` : ''}${f.latin1 ? ': the text looks Latin-1 / Windows-1252 encoded' : ''}`
        case 'parser':
          return f.message
        case 'first-turn':
          return `turn ${n(f.turn)} is the first non-system turn`
        case 'same-role':
          return `turns ${n(f.first)} and ${n(f.second)} are both ${f.role}`
        case 'unanswered':
          return `turn ${n(f.turn)} is a user turn with no reply`
      }
    },
    /** Before a parser's own message (a `parser` fact), which is shown as it came. */
    parserSaid: 'Parser: ',
    preview: 'Preview',
    previewSplit: 'Split',
    previewRow: (row: number) => `row ${n(row)}`,
    page: (from: number, to: number, total: number) => `${n(from)}–${n(to)} of ${n(total)}`,
    trainSplit: 'Train on split',
    evalSplit: 'Test NLL on',
    evalHeldOut: 'a held-out slice of the train split',
    choose: 'Use this dataset',
  },
  quickStart: {
    title: 'Try it now, without a server or a network',
    text: 'Sets up a short training run on the built-in sandbox (a tiny CPU model) with the sample dataset, then shows you every setting on the Review step before anything starts.',
    button: 'Set up a demo run',
    phase: { sandbox: 'Starting the sandbox…', dataset: 'Importing the sample dataset…', tokenizer: 'Loading the tokenizer…', lengths: 'Measuring token lengths…' },
  },
  files: {
    /** The file-type name of the desktop's open dialog, per purpose (a folder dialog shows none). */
    filterName: { dataset: 'Chat datasets', 'tokenizer-folder': 'Tokenizer folder', 'tokenizer-file': 'Tokenizer files' } satisfies Record<PickPurpose, string>,
    dialogTitle: {
      dataset: 'Choose a chat dataset',
      'tokenizer-folder': 'Choose a tokenizer folder',
      'tokenizer-file': 'Choose tokenizer.json or tokenizer_config.json',
      'model-folder': 'Choose a base model folder',
      'checkpoint-folder': 'Choose the checkpoint folder',
    } satisfies Record<DialogPurpose, string>,
  },
  model: {
    title: 'Model and chat template',
    intro: 'Each conversation is rendered with the model’s own chat template; only the tokens the model should learn carry loss.',
    baseModel: 'Base model',
    noModels: 'Connect to a server first: its capabilities list the models you can train.',
    tokenizer: 'Tokenizer',
    tokenizerLoading: 'Loading the tokenizer…',
    tokenizerReady: (vocab: number) => `Loaded · ${n(vocab)} tokens`,
    tokenizerFrom: (p: TokenizerProvenance): string =>
      p.origin === 'builtin'
        ? 'ships with TuFT Studio'
        : p.origin === 'folder'
          ? `from the folder ${p.from ?? ''}${p.at ? `, chosen ${fmt.dateTime(p.at)}` : ''}`
          : p.origin === 'local-server'
            ? `from the model folder ${p.from ?? ''} of the TuFT server on this machine`
            : `downloaded from ${p.from ?? 'the hub'}${p.at ? ` on ${fmt.dateTime(p.at)}` : ''}`,
    tokenizerUseFolder: 'Use a tokenizer folder on this machine…',
    tokenizerFolderHelp: 'A folder with tokenizer.json and tokenizer_config.json, such as a downloaded model folder. It is checked, then remembered for this model (runs use it too).',
    tokenizerFolderMissing: (missing: string) => `That folder has no ${missing}; choose the folder that holds tokenizer.json and tokenizer_config.json.`,
    tokenizerForget: 'Forget this folder',
    trainOn: 'Train on',
    trainOnLabel: { 'all-assistant': 'All assistant messages', 'last-assistant': 'Last assistant message', all: 'All messages' },
    trainOnHelp: {
      'all-assistant': 'The guide’s default: learn every assistant reply, never the prompts.',
      'last-assistant': 'Only the final reply carries loss; earlier turns are context.',
      all: 'Every message carries loss, including the user’s (rarely what you want for chat).',
    },
    maxLength: 'Max length (tokens)',
    useSuggested: (len: number) => `Use ${n(len)} (p95)`,
    conversation: 'Conversation',
    legendTrained: 'trained (weight 1)',
    legendContext: 'context (weight 0)',
    legendCut: 'cut by max length',
    tokenTitle: (index: number, id: number, weight: number) => `#${index} · id ${id} · weight ${weight}`,
    cutLabel: (len: number) => `max length ${n(len)}`,
    cutMarker: (len: number) => `max length ${n(len)} — tokens after this are dropped`,
    pieceStats: (total: number, weighted: number) => `${n(total)} tokens · ${n(weighted)} trained`,
    skip: (reason: string) => `This conversation would be skipped: ${reason}`,
    lengths: 'Token lengths',
    lengthsAxis: 'tokens',
    lengthsTooltip: (from: number, to: number, count: number) => `${n(from)}–${n(to)} tokens: ${n(count)} ${fmt.plural(count, { one: 'conversation', other: 'conversations' })}`,
    lengthsComputing: 'Tokenizing the split…',
    truncated: (share: number, len: number) => `${fmt.percent(share)} of conversations are longer than ${n(len)} tokens and will be truncated.`,
    lengthsBeyond: (len: number, longest: number) => `Max length ${n(len)} is beyond the longest conversation (${n(longest)} tokens): nothing is cut.`,
    previewRow: (row: number) => `#${n(row)}`,
    lengthStats: (p50: number, p95: number, max: number) => `median ${n(p50)} · p95 ${n(p95)} · max ${n(max)}`,
  },
  rankLr: {
    title: 'LoRA rank and learning rate',
    intro: 'Rank sets the adapter’s capacity; the learning rate sets the step size. The guide’s experiments give these starting points.',
    presets: {
      'strong-default': { name: 'Strong default', text: 'Rank 32, LR 1e-4: the common LoRA SFT default — reliable progress without instability.' },
      faster: { name: 'Faster, riskier', text: 'Rank 32, LR 1e-3: quicker early progress, but the loss may become unstable or overfit.' },
      conservative: { name: 'Conservative', text: 'Rank 32, LR 5e-5: slower and steadier — what to try if a run was unstable.' },
    },
    rank: 'LoRA rank',
    lr: 'Learning rate',
    lrInvalid: 'Type a positive number such as 1e-4, 5e-5 or 0.0001.',
    lrTooHigh: (max: number) => `At most ${max}: larger steps destroy the adapter.`,
    rankInvalid: 'A whole number of 1 or more, such as 16.',
    atLeast: (min: number) => `At least ${n(min)}`,
    presetValues: (rank: number, lr: string) => `rank ${rank} · LR ${lr}`,
    aboveMax: (max: number) => `above the server’s maximum (${n(max)})`,
    batchSize: 'Batch size (conversations per step)',
    maxLength: 'Max length (tokens)',
    steps: 'Steps',
    evalEvery: 'Test NLL every N steps',
    advice: {
      'lr-slow': (_v: AdviceValues) => 'LR 1e-5 or lower converges much more slowly (guide, Figure 1). Expect to need many more steps.',
      'lr-unstable': (_v: AdviceValues) => 'LR 1e-3 or higher learns fast early but may be unstable or overfit. Watch the test NLL; lower the LR if it rises.',
      'lr-far-low': (v: AdviceValues) =>
        `LR ${fmt.lr(v.lr)} is far below anything the guide tried (1e-5 was already slow): the adapter will barely change. Use 1e-4 unless you know why.`,
      'lr-far-high': (v: AdviceValues) =>
        `LR ${fmt.lr(v.lr)} is far above anything the guide tried (1e-3 was already risky): expect the loss to diverge. Use 1e-4, or 1e-3 at most.`,
      'rank-above-max': (v: AdviceValues) => `Rank ${v.rank} is above this server’s maximum (${v.max}). Pick ${v.max} or lower.`,
      'rank-harder-task': (v: AdviceValues) =>
        `Rank ${v.rank} is above the guide’s default of ${v.moderate}, and higher ranks have diminishing returns: for a harder task, train more steps before raising the rank.`,
    },
    blocked: {
      fields: 'Correct the highlighted fields to continue.',
      rank: (max: number) => `Pick a rank of ${n(max)} or lower to continue.`,
      sweepEmpty: 'Pick at least one rank and one learning rate for the sweep.',
      sweepRank: (max: number) => `Remove the sweep ranks above the server’s maximum (${n(max)}) to continue.`,
    },
    sweepActive: 'The sweep below trains every rank × learning rate you tick, so the single rank and learning rate here are not used.',
    sweepAddRank: 'Add a rank',
    sweepAddLr: 'Add a learning rate',
    sweepAdd: 'Add',
    sweepDuplicate: 'Already in the grid.',
    sweepFull: (max: number) => `At most ${n(max)} values.`,
    sweepFar: 'far outside the guide’s range',
    sweep: 'Run a sweep instead',
    sweepHelp: 'Train every rank × learning rate pair (like the guide’s figures) and get a recommendation.',
    sweepRanks: 'Ranks',
    sweepLrs: 'Learning rates',
    sweepCells: (count: number) => `${n(count)} ${fmt.plural(count, { one: 'run', other: 'runs' })}`,
  },
  review: {
    title: 'Review and start',
    config: 'Configuration',
    tokensPerStep: 'Tokens per step',
    stepsPerEpoch: 'Steps per epoch',
    epochs: 'Epochs',
    estimatedTime: 'Estimated time',
    estimatedUnknown: 'measured during the first steps',
    start: 'Start training',
    startSweep: 'Start sweep',
    starting: 'Starting…',
    sandboxServer: (url: string) => `${url} (local sandbox)`,
    splitRows: (split: string, rows: number) => `${split} (${n(rows)})`,
    lrFar: (lr: string) => `The learning rate ${lr} is far outside the range the guide tested (1e-5 to 1e-3).`,
    sweepSummary: (ranks: readonly number[], lrs: readonly string[]) =>
      `ranks ${fmt.list(ranks.map(String))} × LR ${fmt.list(lrs)} (${ranks.length * lrs.length} ${fmt.plural(ranks.length * lrs.length, { one: 'run', other: 'runs' })})`,
    fields: {
      server: 'Server',
      model: 'Base model',
      dataset: 'Dataset',
      split: 'Train split',
      evalSplit: 'Test split',
      trainOn: 'Train on',
      rank: 'LoRA rank',
      lr: 'Learning rate',
      batchSize: 'Batch size',
      maxLength: 'Max length',
      steps: 'Steps',
      evalEvery: 'Eval every',
      sweep: 'Sweep',
    },
  },
  train: {
    title: 'Training',
    phaseLabel: {
      connecting: 'Connecting',
      tokenizing: 'Tokenizing',
      'creating-run': 'Creating run',
      training: 'Training',
      saving: 'Saving',
      done: 'Done',
      error: 'Error',
      stopped: 'Stopped',
      paused: 'Paused',
    },
    stepOf: (s: number, total: number) => `Step ${n(s)} of ${n(total)}`,
    eta: (duration: string) => `ETA ${duration}`,
    throughput: (tokensPerS: string) => `${tokensPerS} tokens/s`,
    tokensPerS: 'tokens/s',
    pause: 'Pause',
    resume: 'Resume',
    stop: 'Stop and save',
    cancelRun: 'Cancel run',
    trainNll: 'Train NLL',
    trainNllSmoothed: 'Train NLL (smoothed)',
    testNll: 'Test NLL',
    gradNorm: 'Grad norm',
    learningRate: 'Learning rate',
    logAxis: 'Log scale',
    raw: 'Raw',
    smoothing: 'Smoothing',
    points: (train: number, test: number) => `${n(train)} train · ${n(test)} test points`,
    waiting: 'Waiting for the first step…',
    done: 'Training finished. The fine-tuned weights are saved for sampling.',
    openPlayground: 'Try it in the playground',
    openHistory: 'Go to run history',
    newRun: 'Start another run',
    lastNll: (train: string, test: string) => `train ${train} · test ${test}`,
    sweepProgress: 'Sweep progress',
    sweepCellsDone: (done: number, total: number) => `${n(done)} of ${n(total)} ${fmt.plural(total, { one: 'run', other: 'runs' })} finished`,
    sweepSteps: (done: number, total: number | null) => (total === null ? `${n(done)} steps` : `${n(done)} of ${n(total)} steps`),
  },
  hint: {
    applyMirror: (endpoint: string) => `Use ${endpoint} and retry`,
    useSandbox: 'Use the local sandbox',
    openSettings: 'Open settings',
    retry: 'Retry',
    resume: 'Resume the run',
    lowerLr: (lr: string | null) => (lr ? `Resume with LR ${lr}` : 'Resume with a lower learning rate'),
    lowerRank: (r: number) => `Use rank ${r}`,
    useNextPort: (port: number) => `Use port ${port} instead`,
    lowerMaxModelLen: (len: string) => `Lower max_model_len to ${len}`,
    editLocalServer: (field: LocalServerField | null) =>
      field === 'model_path' ? 'Choose another model folder' : field === 'tensor_parallel_size' ? 'Use more GPUs (tensor_parallel_size)' : field ? `Correct ${field}` : 'Edit the configuration',
    oomTry: (v: { maxLength: number; batchSize: number; rank: number }) =>
      `Try, in this order: max length ${n(v.maxLength)}, then batch size ${n(v.batchSize)}, then rank ${v.rank}.`,
    oomApply: (what: 'maxLength' | 'batchSize' | 'rank', value: number) =>
      `Resume with ${what === 'maxLength' ? 'max length' : what === 'batchSize' ? 'batch size' : 'rank'} ${n(value)}`,
    whatHappened: 'What happened',
    why: 'Why',
    fix: 'How to fix it',
    sdkNote: 'Exported Python scripts read TINKER_API_KEY; some Tinker SDK versions let it override a key passed in code.',
    keyRejected: (server: string | null, masked: string | null): string =>
      `The server${server ? ` at ${server}` : ''} rejected ${masked ? `the key ending in ${masked}` : 'the key that was sent'}.`,
    keyMissing: (server: string | null) => `The server${server ? ` at ${server}` : ''} needs an API key, and none was sent.`,
    keySentFact: (source: string, masked: string | null): string =>
      source === 'settings'
        ? `Sent: ${masked ?? ''}, the key stored in TuFT Studio’s settings.`
        : source === 'TINKER_API_KEY'
          ? `Sent: ${masked ?? ''}, from the TINKER_API_KEY environment variable (no key is stored in the app).`
          : source === 'sandbox'
            ? `Sent: ${masked ?? ''}, the local sandbox’s own key.`
            : source === 'local-server'
              ? `Sent: ${masked ?? ''}, the key made for the TuFT server started here.`
              : 'Sent: no key — none is stored in the app and TINKER_API_KEY is not set.',
    envFact: (set: boolean, differs: boolean, masked: string | null): string =>
      !set ? 'TINKER_API_KEY is not set.' : differs ? `TINKER_API_KEY is ${masked ?? ''}, a different key; the stored key wins over it.` : `TINKER_API_KEY is ${masked ?? ''}, the same key.`,
    keyFix: (source: string, envDiffers: boolean): string =>
      source === 'settings'
        ? envDiffers
          ? 'Enter the right key and test again, or clear the stored key (Settings → API key) to send TINKER_API_KEY instead.'
          : 'Compare its last characters with the keys the server accepts, then enter the right key and test again.'
        : source === 'TINKER_API_KEY'
          ? 'Enter the right key (it is stored and sent instead of TINKER_API_KEY), or correct TINKER_API_KEY and restart TuFT Studio.'
          : 'Enter the server’s API key and test again, or set TINKER_API_KEY before starting TuFT Studio.',
    /** Labels before words a server or the system sent, which are shown as they came (never translated). */
    serverSaid: 'Server said: ',
    serverReplied: (status: number | null) => (status === null ? 'The server answered: ' : `The server answered HTTP ${n(status)}: `),
    systemSaid: 'Error: ',
    /** What happened to an import, from the facts main sends with the failure. */
    dataset: {
      noUsableRows: (name: string, reasons: string, example: string | null) => `${name} has no usable rows: ${reasons}.${example ? ` For example ${example}.` : ''}`,
      reasonCount: (reason: string, count: number) => `${reason} ×${n(count)}`,
      example: (split: string, row: number, fact: string) => `${split}, row ${n(row)}: ${fact}`,
      formatUnknown: (fields: string) => `No row has a “messages” list, ShareGPT “conversations” or Alpaca “instruction”/“output” fields (fields seen: ${fields}).`,
      notUtf8: (file: string, encoding: string) => `${file} is ${encoding} text; TuFT Studio reads UTF-8.`,
      tooLarge: (file: string, limit: string) => `${file} is larger than the upload limit of ${limit}.`,
      parquetCorrupt: (file: string) => `${file} is not a readable parquet file (truncated or damaged).`,
    },
    /** What happened to a tokenizer, from the facts main sends (its folder, the files missing, the model id). */
    tokenizer: {
      missingFiles: (dir: string | null, files: readonly string[]) =>
        dir ? `${dir} has no ${files.join(' or ')} (a tokenizer folder needs both files).` : `A tokenizer needs both tokenizer.json and tokenizer_config.json; ${files.join(' and ')} ${files.length > 1 ? 'are' : 'is'} missing.`,
      builtinMissing: 'The built-in tokenizer files (resources/tokenizers) are missing from this installation.',
      notHubId: (modelId: string, folderAllowed: boolean) =>
        folderAllowed
          ? `${modelId} is neither a tokenizer folder nor a hub model id (owner/name).`
          : `${modelId} is not a hub model id (owner/name), so its tokenizer cannot be downloaded; choose a tokenizer folder on this machine for it.`,
      invalid: (dir: string) => `Could not load the tokenizer in ${dir}.`,
      noTemplate: (of: string) => `The tokenizer of ${of} has no chat_template in tokenizer_config.json.`,
      templateFailed: (modelId: string) => `The chat template of ${modelId} failed.`,
      workerCouldNotStart: 'A tokenizer thread could not start.',
      workersCrashed: (crashes: number) => `Tokenizer threads crashed ${n(crashes)} times; tokenization was stopped.`,
      encoderStopped: 'The tokenizer’s encoder thread stopped.',
    },
    /** What happened to the local TuFT server, from the facts main sends (port, exit code, the line TuFT printed). */
    localServer: {
      notInstalled: (tuftBin: string | null) =>
        tuftBin ? `TUFT_BIN is set to ${tuftBin}, which is not an executable file.` : 'No tuft executable on PATH and no Python on PATH can import the tuft package.',
      couldNotRun: (command: string) => `Could not run ${command}.`,
      alreadyStarting: 'A local TuFT server is already starting.',
      alreadyRunning: (url: string, pid: number) => `A local TuFT server is already running at ${url} (PID ${pid}).`,
      notRunning: 'No local TuFT server is running.',
      portTaken: (host: string, port: number, likeTuft: boolean) => `Port ${port} on ${host} is already in use${likeTuft ? ' by a server that answers like TuFT' : ''}.`,
      portPrivileged: (port: number) => `Port ${port} needs administrator rights on this system; pick a port above 1023.`,
      exited: (exitCode: number | null, signal: string | null) =>
        signal ? `TuFT was killed by ${signal} before it answered.` : `TuFT exited with code ${exitCode ?? '?'} before it answered.`,
      fatal: 'TuFT reported a fatal error while starting.',
      cancelled: 'Cancelled while TuFT was starting; the process was stopped.',
      timedOut: (url: string, seconds: number) => `TuFT did not answer ${url} within ${n(seconds)} s; it was stopped.`,
      /** A model folder's problems, by kind and fact (main's `message` is their English). */
      folder: {
        notAFolder: (folder: string) => `${folder} is not a folder that can be read.`,
        missingConfig: 'config.json is missing: TuFT and transformers need it to build the model.',
        missing: (file: string) => `${file} is missing.`,
        notJson: (file: string) => `${file} is not valid JSON.`,
        notObject: (file: string) => `${file} is not a JSON object.`,
        badShardName: 'model.safetensors.index.json lists a shard that is not a *.safetensors file name.',
        missingShard: (file: string) => `${file} is listed in model.safetensors.index.json but missing.`,
        badHeader: (file: string) => `${file} has no readable safetensors header (it is truncated, damaged or not a safetensors file).`,
        binOnly: 'The folder has only pytorch_model*.bin weights; save the model as *.safetensors (TuFT Studio checks safetensors headers before starting).',
        noWeights: 'The folder has no *.safetensors weights.',
        duplicateName: (name: string) => `Model names must be unique; “${name}” is used twice.`,
        colocateSeveral: 'Colocating training and sampling on one GPU is only allowed with a single model.',
        colocateTensorParallel: 'Colocating training and sampling requires tensor_parallel_size 1.',
        maxModelLenTooLong: (name: string, len: number, context: number) => `${name}: max_model_len ${n(len)} is above the model’s own context length (${n(context)}).`,
        inFolder: (folder: string, problem: string) => `${folder}: ${problem}`,
        noChatTemplate: 'The tokenizer has no chat template: chat fine-tuning and the OpenAI-compatible chat route need one (use the instruct/chat variant).',
      },
    },
    /** Fixed sentences main says by key (`says`), with the run's name or a path where they need one. */
    says: {
      'sandbox-not-running': () => 'The local sandbox is not running: start it first, its key is made when it starts.',
      'no-folder-picker': () => 'The folder picker exists only in the desktop app: type the folder path instead.',
      'no-file-dialog': () => 'This window has no file dialog of the app’s own: choose the file in the page, which uploads it.',
      'sweep-not-here': () => 'This sweep is not running in this window.',
      'choose-a-run': () => 'Choose at least one run.',
      'no-held-out-prompt': (f) => `Run “${f.name}” has no held-out conversation with an assistant reply to prompt with.`,
      'run-active-delete': () => 'Stop or cancel this run before deleting it.',
      'sweep-empty': () => 'A sweep needs at least one rank and one learning rate.',
      'sweep-concurrency': () => 'Sweep concurrency must be a positive integer.',
      'run-active-cleanup': () => 'Wait for the run to finish (or stop it) before cleaning up its checkpoints.',
      'run-server-unreachable': (f) => `Cannot reach the server of run “${f.name}”.`,
      'run-already-running': () => 'This run is already running in this window.',
      'no-sandbox': () => 'No built-in sandbox is available in this process.',
      'no-sampler-path': () => 'The server returned no path for the sampler weights.',
      'no-sampler-checkpoint': (f) => `Run “${f.name}” has no sampler checkpoint ${f.path}.`,
      'no-sequence': () => 'The server returned no sequence.',
      'no-data-yet': (f) => `Run “${f.name}” has not prepared its data yet: nothing to export.`,
      'runner-stopped': () => 'The runner stopped while this run was training.',
      'archive-download-failed': (f) => `Downloading the checkpoint archive failed (${f.status}).`,
    } satisfies Record<string, (f: { name: string; path: string; status: string }) => string>,
    runNameTaken: (name: string) => `Another run is already called “${name}”.`,
    /** `trainNll` null: it was not a finite number (NaN or infinite, which JSON cannot carry). */
    diverged: (step: number, trainNll: number | null, reference: number | null) =>
      `Train NLL became ${trainNll === null ? 'NaN' : trainNll.toFixed(3)} at step ${n(step)}${reference !== null ? ` (started at ${reference.toFixed(3)})` : ''}.`,
    uploadIncomplete: (file: string) => `The upload of ${file} did not complete.`,
    cancelled: 'Cancelled.',
    /** A request whose values the contract refused (an English screen shows the validator's own words instead). */
    badInput: (fields: string) => `Some values are not valid: ${fields}.`,
    fieldInvalid: 'This value is not valid.',
    /** A data file or folder that cannot be read, by what main found (`why`, `is`). */
    dataFile: {
      missing: (file: string) => `No such file: ${file}.`,
      noFolder: (folder: string) => `No such folder: ${folder}.`,
      unreadable: (file: string) => `Cannot read ${file}.`,
      empty: (file: string) => `${file} is empty (0 bytes).`,
      noDataFiles: (folder: string) => `${folder} holds no .jsonl, .json or .parquet files.`,
      notJson: (file: string) => `${file} is not valid JSON.`,
      bundledMissing: 'The bundled sample dataset (resources/datasets/sample-chat.jsonl) is missing from this installation.',
      notAFile: (file: string, is: 'folder' | 'pipe' | 'socket' | 'special') =>
        `${file} is ${{ folder: 'a folder', pipe: 'a pipe', socket: 'a socket', special: 'a device or special file' }[is]}, not a data file.`,
      notAFolder: (file: string) => `${file} is not a folder.`,
      grantExpired: 'The chosen file is no longer available; choose it again.',
    },
    datasetNotCached: (name: string) => `No dataset named “${name}” in the local store; import it first.`,
    tokenizedGone: 'The tokenized data was deleted while it was being read (the dataset was deleted or re-imported); tokenize it again.',
    noSplit: (name: string, split: string, splits: string | null) => `Dataset “${name}” has no split “${split}”${splits ? ` (it has ${splits})` : ''}.`,
    noSplits: (name: string) => `Dataset “${name}” has no splits.`,
    noTargetTokens: (name: string, split: string, maxLength: number) => `No conversation of ${name}/${split} has a weighted target token at max length ${n(maxLength)}.`,
    runControl: (name: string, status: string, action: 'paused' | 'continued' | 'stopped' | 'cancelled') => `Run “${name}” is ${status}, so it cannot be ${action} now.`,
    notResumable: (status: string) => `This run is ${status}; only interrupted, failed, stopped or paused runs can be resumed.`,
    modelNotServed: (model: string, served: string) => `The server does not serve ${model} (it serves ${served}).`,
    noModelsServed: 'The server lists no supported models.',
    rankTooHigh: (rank: number, max: number, model: string | null) => `LoRA rank ${rank} exceeds the server’s maximum ${max}${model ? ` for ${model}` : ''}.`,
    maxLengthTooLong: (maxLength: number, context: number) => `Max length ${n(maxLength)} exceeds the model’s context of ${n(context)} tokens.`,
    sandboxPort: (port: number, privileged: boolean) =>
      `The local sandbox cannot listen on 127.0.0.1:${port}: ${privileged ? 'permission denied' : 'another program uses that port'}.`,
    datasetNameTaken: (name: string, fromHub: boolean, source: string) =>
      `A dataset named “${name}” already exists from ${fromHub ? 'hub' : 'file'} ${source}; choose another name or delete it first.`,
    /** The file kinds a picker accepts, when another was chosen (`wanted`: extensions or exact names). */
    notWantedFile: (file: string | null, wanted: string) => (file ? `${file} is not a ${wanted} file.` : `Choose a ${wanted} file.`),
    mustBeFile: (wanted: string) => `must be a ${wanted} file`,
    /** What happened to a hub request, from the facts main sends (the URL, the system's error code, the HTTP status). */
    hub: {
      unreachable: (url: string, reason: string | null) => (reason ? `Cannot reach ${url}: ${reason}.` : `Cannot reach ${url}.`),
      timedOut: (url: string) => `${url} did not answer in time.`,
      interrupted: (url: string) => `The download from ${url} was interrupted.`,
      status: (url: string, status: number) => `${url} answered HTTP ${status}.`,
      badReply: (url: string) => `${url} did not answer like a Hugging Face hub.`,
      /** By the system's error code (errno). */
      reasons: {
        ENETUNREACH: 'the network is unreachable',
        EHOSTUNREACH: 'the host is unreachable',
        ENETDOWN: 'the network is down',
        ENOTFOUND: 'the DNS lookup failed',
        EAI_AGAIN: 'the DNS lookup failed (temporarily)',
        EAI_FAIL: 'the DNS lookup failed',
        ECONNREFUSED: 'the connection was refused',
        ECONNRESET: 'the connection was reset',
        EPIPE: 'the connection was closed',
        CERT_HAS_EXPIRED: 'its TLS certificate has expired',
        UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate could not be verified',
        SELF_SIGNED_CERT_IN_CHAIN: 'its TLS certificate could not be verified',
      } as Record<string, string>,
    },
    hubTried: (endpoint: string) => `Tried: ${endpoint}.`,
    hubMirrorFailedToo: (endpoint: string) => `The mirror ${endpoint} could not be reached either.`,
    hubAlsoFailed: (list: string) => `Also failed in the last few minutes: ${list}.`,
    hubViaProxy: (proxy: string, variable: string) => `The request went through the proxy ${proxy} (${variable}); check that it can reach this endpoint.`,
    hubNoProxy: 'No proxy is set. If your network needs one, start TuFT Studio with HTTPS_PROXY=http://host:port (NO_PROXY lists hosts reached directly).',
    hubAllMirrorsTried: 'Every mirror TuFT Studio knows has been tried. Type another mirror in “Hub endpoint”, or carry on without the hub:',
    hubOffline: 'Or carry on without the hub:',
    useSample: 'Use the sample dataset',
    chooseFile: 'Import a file…',
    anotherMirror: 'Type another mirror',
    useTokenizerFolder: 'Use a tokenizer folder on this machine…',
  },
  history: {
    title: 'Runs',
    empty: 'No runs yet. Start one from “New run”.',
    cols: { select: 'Select', name: 'Name', status: 'Status', model: 'Model', rank: 'Rank', lr: 'LR', steps: 'Steps', train: 'Train NLL', test: 'Test NLL', created: 'Created' },
    selectRun: (name: string) => `Select ${name} for comparison`,
    compareSelected: (count: number) => `Compare ${n(count)} selected`,
    sweeps: 'Sweeps',
    compareSweep: 'Compare this sweep',
    recommended: 'Recommended',
    open: 'Open',
    confirmDelete: (name: string) => `Delete the run “${name}” and its curves? Checkpoints on the server are not touched.`,
    renamePrompt: 'New name',
    status: {
      queued: 'queued',
      running: 'running',
      paused: 'paused',
      completed: 'completed',
      stopped: 'stopped',
      cancelled: 'cancelled',
      failed: 'failed',
      interrupted: 'interrupted',
    } satisfies Record<RunStatus, string>,
  },
  run: {
    exportPng: 'Export PNG',
    exportCsv: 'Export CSV',
    exportConfig: 'Export config',
    exportPython: 'Export Python script',
    resume: 'Resume',
    checkpoints: 'Checkpoints',
    config: 'Configuration',
    pngSubtitle: (when: string) => `TuFT Studio · exported ${when}`,
  },
  resumeHistory: {
    title: 'Changes made on resume',
    steps: 'Steps',
    range: (from: number, to: number): string => (to < from ? `from ${n(from)}` : `${n(from)}–${n(to)}`),
    params: { batchSize: 'Batch size', maxLength: 'Max length', learningRate: 'Learning rate', rank: 'LoRA rank' } satisfies Record<ResumableParam, string>,
    /** After the new value, its own brackets and spacing included (full-width in Chinese, with no space before them). */
    was: (value: string) => ` (was ${value})`,
    resumed: (step: number, when: string, what: string) => `Resumed from step ${n(step)} · ${when}: ${what}`,
    noChange: 'nothing changed',
    change: (param: string, from: string, to: string) => `${param} ${from} → ${to}`,
    forked: 'This run began as another run resumed with a different rank (saved LoRA weights cannot change rank).',
    openSource: 'Open that run',
  },
  compare: {
    title: 'Compare runs',
    intro: 'Train NLL (smoothed) and test NLL of the selected runs, like the guide’s Figures 1 and 2.',
    none: 'Select runs in the run list (or a sweep) to compare them.',
    trainTitle: 'Train mean NLL',
    testTitle: 'Test NLL',
    recommended: (reason: string) => `Recommended: ${reason}`,
    cell: (rank: number, lr: string) => `rank ${rank} · LR ${lr}`,
    namedCell: (name: string, rank: number, lr: string) => `${name} (rank ${rank} · LR ${lr})`,
  },
  playground: {
    title: 'Playground',
    intro: 'Sample the base model and the fine-tuned weights on the same prompt, side by side.',
    sandboxNote: 'Runs trained on the local sandbox sample from its tiny CPU model: the text shows the mechanics, not meaningful answers.',
    run: 'Fine-tuned run',
    runOption: (name: string, rank: number, lr: string) => `${name} — rank ${rank}, LR ${lr}`,
    noRuns: 'Finish a run first: the playground samples its saved weights.',
    system: 'System prompt (optional)',
    prompt: 'Prompt',
    maxTokens: 'Max tokens',
    temperature: 'Temperature',
    sample: 'Sample both',
    sampling: 'Sampling…',
    base: 'Base model',
    tuned: 'Fine-tuned',
    stopReason: { stop: 'stopped at an end token', length: 'reached max tokens' },
    tokens: (count: number, stop: string) => `${n(count)} tokens · ${stop}`,
  },
  settings: {
    title: 'Settings',
    servers: 'Servers',
    active: 'active',
    makeActive: 'Use',
    addServer: 'Add server',
    serverPlaceholder: 'http://gpu-box:10610',
    noServers: (active: string | null) =>
      `No saved servers. ${active === 'sandbox' ? 'Runs use the local sandbox.' : active ? `Runs use ${active}.` : 'Runs use the discovered server (TUFT_ADDRESS, TINKER_BASE_URL, ~/.tuft or 127.0.0.1:10610).'}`,
    remove: 'Remove',
    keys: 'API key',
    setKey: 'Store key',
    clearKey: 'Clear stored key',
    hub: 'Hugging Face',
    endpoint: 'Endpoint',
    hfToken: (set: boolean): string => (set ? 'HF_TOKEN is set (used for gated datasets).' : 'HF_TOKEN is not set (only needed for gated datasets).'),
    cache: 'Cache',
    location: 'Location',
    size: 'Size',
    clearDownloads: 'Clear downloads',
    clearAll: 'Clear all cached data',
    confirmClearAll: 'Delete every imported dataset, tokenized cache and download? Runs on the server are not touched.',
    parts: { database: 'Database', downloads: 'Downloads', blobs: 'Blobs', sandbox: 'Sandbox data' },
    language: 'Language',
    languageHelp: 'Applies at once; the choice is remembered.',
    sandbox: 'Local sandbox',
    sandboxPort: 'Fixed port',
    sandboxPortPlaceholder: 'any free port',
    sandboxPortHelp:
      'Leave empty to let the system pick a free port at each start. A fixed port lets scripts and the tinker SDK reach the sandbox at a known address; it applies from the sandbox’s next start.',
    sandboxPortInvalid: (min: number) => `A whole number from ${min} to 65535, or empty.`,
    sandboxPortFlag: (port: number) => `This launch was started with npm run serve -- --sandbox-port ${port}, which wins over this setting.`,
    wizard: 'First-run wizard',
    showWizard: 'Open the wizard on next launch',
  },
  /** The guide's SFT-vs-RL comparison. Each language writes its own rows; they need not match one for one. */
  sftOrRl: {
    title: 'SFT or RL?',
    intro: 'From the TuFT chat-SFT guide: supervised fine-tuning imitates demonstrations; reinforcement learning optimises a reward.',
    head: { topic: 'Topic', sft: 'SFT (supervised fine-tuning)', rl: 'RL (reinforcement learning)' },
    rows: [
      { topic: 'Training signal', sft: 'Demonstrations (target responses)', rl: 'Rewards / preferences (scalar or ranking)' },
      { topic: 'Good for', sft: 'Style, format, instruction following, domain behaviour from curated answers', rl: 'Aligning behaviour with preferences or constraints, safety policies, multi-objective trade-offs' },
      { topic: 'Data needed', sft: 'High-quality assistant responses', rl: 'A reward model, preference pairs or an evaluator' },
      { topic: 'Typical workflow', sft: 'Usually the first stage', rl: 'Usually after SFT (SFT → RL)' },
      { topic: 'Example signal', sft: 'Input/output pairs, e.g. “Rewrite as a polite email…” → “Dear …, Regards…”', rl: 'An LLM judge ranks or scores A vs B' },
    ],
    rulesTitle: 'Rules of thumb',
    rules: [
      { term: 'SFT', text: 'Use SFT when you can provide good “gold” assistant responses and want the model to imitate clear target outputs.' },
      { term: 'RL', text: 'Use RL when there is no single right answer but you can define “better” with a reward or preference signal — helpfulness, safety, style, format or tool use.' },
    ],
    back: 'Back to the wizard',
  },
  localServer: {
    title: 'Start a local TuFT server',
    detected: (how: string) => `TuFT found: ${how}`,
    notDetected: 'TuFT is not installed on this machine.',
    modelFolder: 'Base model folder',
    addModel: 'Add another model',
    modelFacts: (arch: string, params: string, ctx: string) => `${arch} · ${params} parameters · context ${ctx}`,
    modelName: 'Name clients use (base_model)',
    maxModelLen: 'max_model_len',
    maxLoraRank: 'max_lora_rank',
    tensorParallel: 'GPUs per model (tensor_parallel_size)',
    backend: 'Training backend',
    colocate: 'Share one GPU between training and sampling (colocate)',
    checkpointDir: 'Checkpoint folder',
    port: 'Port',
    host: 'Reachable from',
    hostLocal: 'this machine only (127.0.0.1)',
    hostAll: 'other machines too (0.0.0.0)',
    persistence: 'Keep runs across restarts',
    keepRunning: 'Leave the server running when TuFT Studio quits',
    review: 'tuft_config.yaml (API keys hidden)',
    start: 'Start server',
    stop: 'Stop server',
    starting: 'Starting TuFT…',
    phases: { checking: 'Checking', 'writing-config': 'Writing the config', starting: 'Starting', loading: 'Loading the model', ready: 'Ready' } as Record<string, string>,
    running: (url: string) => `Running at ${url}`,
    log: 'Server log',
    logSearch: 'Search the log',
    copyLog: 'Copy log',
    useIt: 'Connect to it',
    intro: 'Serve base models from folders on this machine with TuFT. TuFT Studio writes tuft_config.yaml, starts TuFT, follows its log and stops the server when you ask.',
    detecting: 'Looking for TuFT on this machine…',
    setUp: 'Set up a server…',
    hide: 'Hide',
    browse: 'Browse…',
    modelFolderHelp: 'The folder with config.json, tokenizer.json, tokenizer_config.json and *.safetensors (for example one made by huggingface-cli download --local-dir). Only its config and file headers are read; the weights are never loaded here.',
    modelFolderPlaceholder: '/data/models/Qwen3-4B-Instruct-2507',
    checking: 'Checking the folder…',
    folderOk: 'Complete: TuFT can load it',
    weightFacts: (size: string, dtype: string | null, files: number) =>
      `${size} of weights${dtype ? ` (${dtype})` : ''} in ${n(files)} ${fmt.plural(files, { one: 'file', other: 'files' })}`,
    parametersEstimated: 'estimated from config.json',
    unknown: 'unknown',
    removeModel: 'Remove',
    maxModelLenHelp: (ctx: string) => `The model's own context is ${ctx}. A longer max_model_len needs more GPU memory for the KV cache.`,
    maxLoraRankHelp: 'The largest LoRA rank a run may ask for (the wizard starts at 32).',
    backendHf: 'hf (single GPU)',
    backendFsdp: 'fsdp (several GPUs)',
    fsdpGpus: 'GPUs for FSDP training',
    checkpointDirHelp: 'Where TuFT saves checkpoints. Empty: TuFT\'s default, ~/.tuft/checkpoints.',
    keysNote: 'An API key in TuFT\'s tml-… format is generated for the server and stored encrypted like your other keys; TuFT Studio sends it for you. It is written in clear only into tuft_config.yaml, which only you can read.',
    preview: 'Review config',
    edit: 'Edit',
    planCommand: 'Command',
    planConfigPath: 'Config file',
    planLog: 'Log file',
    planCheckpoints: 'Checkpoints',
    planUrl: 'Address',
    planProblems: 'Fix these before starting:',
    state: { stopped: 'stopped', starting: 'starting', running: 'running', unhealthy: 'not answering', exited: 'process ended', stopping: 'stopping' } as Record<string, string>,
    pid: (pid: number) => `PID ${pid}`,
    startedAt: (when: string) => `started ${when}`,
    servedModels: 'Models',
    exitedNote: 'The server process has ended. Start it again or look at its log.',
    unhealthyNote: 'The process is running but does not answer /api/v1/healthz yet.',
    failedLine: 'The log line that explains it',
    loadingFor: (elapsed: string, limit: string) => `${elapsed} of at most ${limit}`,
    logEmpty: 'No log lines yet.',
    logFollow: 'Follow the end',
    logShown: (shown: number, total: number) => `${n(shown)} of ${n(total)} ${fmt.plural(total, { one: 'line', other: 'lines' })}`,
    copied: 'Copied',
    connected: (url: string) => `TuFT Studio now uses ${url}.`,
    liveTitle: 'TuFT server on this machine',
  },
  serverBrowser: {
    title: 'On the server',
    intro: 'Training runs and checkpoints this API key owns on the server, including runs started outside TuFT Studio.',
    empty: 'This key has no training runs on the server yet.',
    localRun: 'Open in history',
    notFromApp: 'Not started from TuFT Studio',
    size: 'Size',
    expires: 'Expires',
    never: 'never',
    publish: 'Publish',
    unpublish: 'Unpublish',
    delete: 'Delete checkpoint',
    confirmDelete: (path: string) => `Delete ${path} from the server? This cannot be undone.`,
    refresh: 'Refresh',
    server: (url: string) => `Server ${url}`,
    cols: { run: 'Training run', baseModel: 'Base model', rank: 'Rank', lastRequest: 'Last request', local: 'In TuFT Studio', checkpoint: 'Checkpoint', type: 'Type', saved: 'Saved', step: 'Step', actions: 'Actions' },
    checkpointType: { training: 'state (weights + optimizer)', sampler: 'sampler weights' } as Record<string, string>,
    showCheckpoints: 'Checkpoints',
    hideCheckpoints: 'Hide checkpoints',
    noCheckpoints: 'No checkpoints on this run.',
    corrupted: 'corrupted',
    public: 'public',
    owner: (owner: string) => `owner ${owner}`,
    step: (step: number) => `step ${n(step)}`,
    useModel: 'Use this model',
    unloadedTitle: 'Finished runs the server no longer holds',
    unloadedIntro:
      'TuFT Studio unloads a run\'s model when the run ends, so TuFT frees its GPU memory and drops it from its run list. Its checkpoints stay on the server\'s disk and are listed here from local history: sampler weights still answer chats, and when the server runs on this machine the adapter can still be copied. Publishing and deleting need the run listed on the server, so they are not offered here.',
    unloaded: 'not loaded',
    fromHistory: 'from local history',
  },
  useModel: {
    title: 'Use this model',
    path: 'Sampler path',
    copy: 'Copy',
    keyNote: (env: string) => `Snippets read the API key from ${env}; it is never written into them.`,
    tabs: { curl: 'curl', pythonOpenai: 'Python (openai)', nodeOpenai: 'Node (openai)', pythonTinker: 'tinker SDK' },
    samplePrompt: 'Write a haiku about fine-tuning.',
    tryIt: 'Try it',
    trying: 'Asking the model…',
    download: 'Download adapter',
    downloaded: (dir: string) => `Saved to ${dir}`,
    onServer: (where: string) => `The weights live on the server at ${where}.`,
    checkpoint: 'Checkpoint',
    checkpointOption: (name: string, step: number) => `${name} (step ${n(step)})`,
    noSampler: 'This run has no sampler checkpoint yet; one is saved when training finishes.',
    endpoint: 'OpenAI-compatible endpoint',
    copied: 'Copied',
    message: 'Message',
    reply: 'Reply',
    replyMeta: (latency: string, tokens: number | null) => (tokens === null ? latency : `${latency} · ${n(tokens)} ${fmt.plural(tokens, { one: 'token', other: 'tokens' })}`),
    downloading: 'Copying the adapter…',
    notListed: 'The server no longer lists this run, so it cannot hand out the adapter, and its checkpoint folder is not on this machine. The files stay in the server\'s checkpoint folder.',
    localKeyAt: (file: string) => `This server was started by TuFT Studio: its API key is in ${file}, under authorized_users (readable by you only).`,
    hide: 'Hide',
  },
  /** Judging a run the way the guide does: length in epochs, the held-out set, best step, verdicts and their fixes. */
  judge: {
    /** "test NLL on 4 conversations (5% of 73)"; `split` names a test split when that is the source. */
    evalSet: (p: { source: 'split' | 'held-out' | 'none'; conversations: number; of: number; fraction: number | null; split?: string | null }): string =>
      p.source === 'none'
        ? 'no test NLL (no held-out conversations)'
        : p.source === 'split'
          ? `test NLL on ${n(p.conversations)} ${fmt.plural(p.conversations, { one: 'conversation', other: 'conversations' })} of the ${p.split ?? 'test'} split (${n(p.of)})`
          : `test NLL on ${n(p.conversations)} ${fmt.plural(p.conversations, { one: 'conversation', other: 'conversations' })} (${fmt.percent(p.fraction ?? 0)} of ${n(p.of)})`,
    evalTooSmall: 'Too few to trust: with fewer than 20 conversations or 5,000 assistant tokens, test NLL moves with which conversations were drawn.',
    useTestSplit: (split: string) => `Test on the ${split} split`,
    useFraction: (fraction: number, count: number) => `Hold out ${fmt.percent(fraction)} (${n(count)} ${fmt.plural(count, { one: 'conversation', other: 'conversations' })})`,
    epochs: (epochs: number) => `${fmt.decimal(epochs, 2)} ${fmt.plural(epochs === 1 ? 1 : 2, { one: 'epoch', other: 'epochs' })}`,
    stepsAuto: (steps: number, epochs: string, examples: number) =>
      `${n(steps)} steps = ${epochs} of the ${n(examples)} conversations trained on (default: 3 epochs, fewer for large datasets).`,
    stepsTyped: (epochs: string, examples: number) => `= ${epochs} of the ${n(examples)} conversations trained on.`,
    stepsReset: 'Use the default (3 epochs)',
    earlyStop: 'Stop early at the best test NLL',
    earlyStopHelp: 'Ends the run after this many evaluations without a new best test NLL. The best weights are saved either way.',
    patience: 'Patience (evaluations)',
    keepAll: 'Keep every periodic checkpoint',
    keepAllHelp: 'Off: only the last checkpoint (to resume) and the best and final weights stay. On the sandbox each checkpoint takes tens of MB.',
    best: (step: number, nll: string) => `best ${nll} at step ${n(step)}`,
    bestMarker: 'best',
    bestLabel: 'Best test NLL',
    verdict: { fine: 'Healthy', overfit: 'Overfitting', diverged: 'Unstable', 'too-slow': 'Too slow' },
    /** The live note on the chart and the finished banner share these sentences. */
    note: {
      overfit: (v: { rise: number; best: string; bestStep: number }) =>
        `Overfitting: test NLL is ${fmt.percent(v.rise)} above its best (${v.best} at step ${n(v.bestStep)}) while train NLL keeps falling. The guide: stop at the best step, or lower the LR (1e-4 → 5e-5 → 1e-5) or the rank (32 → 8).`,
      diverged: 'Unstable: train NLL is rising (or the loss blew up). The guide: lower the LR (1e-4 → 5e-5 → 1e-5) or the rank (32 → 8).',
      tooSlow: (drop: number) =>
        `Too slow: test NLL was still falling steeply at the end (${fmt.percent(drop)} over the last quarter). The guide: train more steps first; raise the rank only after that.`,
      fine: (best: string, bestStep: number) => `Test NLL reached its best, ${best}, at step ${n(bestStep)}; the curves look healthy.`,
    },
    finished: 'Training finished.',
    finishedVerdict: (verdict: string) => `Training finished: ${verdict.toLowerCase()} — see the advice below.`,
    verdictLabel: 'Verdict',
    earlyStopped: (step: number, bestStep: number) => `Stopped early at step ${n(step)}: test NLL had not improved since step ${n(bestStep)}.`,
    fix: {
      useBest: (step: number) => `Try the best checkpoint (step ${n(step)})`,
      steps: (steps: number) => `Train again for ${n(steps)} steps`,
      earlyStop: 'Train again with early stop',
      lr: (lr: string) => `Train again with LR ${lr}`,
      rank: (rank: number) => `Train again with rank ${rank}`,
    },
    gradNormPerToken: 'Grad norm per token',
    gradNormHelp:
      'The server reports the norm of the gradient of the summed loss, which grows with the tokens in a batch (tens of thousands is normal). Shown divided by the step’s weighted tokens, so steps compare.',
    checkpoints: {
      best: 'best',
      final: 'final',
      option: (step: number, tags: string) => (tags ? `step ${n(step)} (${tags})` : `step ${n(step)}`),
      none: 'No sampler weights saved yet.',
      /** What a checkpoint holds: the full training state (to resume) or the weights for sampling. */
      kind: { state: 'state', sampler: 'sampler' } satisfies Record<CheckpointKind, string>,
    },
    target: {
      label: 'Exports use',
      best: (step: number) => `the best checkpoint (step ${n(step)})`,
      final: (step: number) => `the final weights (step ${n(step)})`,
    },
    exportDatums: 'Export datums (JSONL)',
    datumsHelp: 'The Python script reads the exact token ids and loss weights from the datums file next to it (only the tinker SDK needed).',
    disk: {
      title: 'Checkpoint disk use',
      run: (bytes: string, count: number) => `${bytes} in ${n(count)} ${fmt.plural(count, { one: 'checkpoint', other: 'checkpoints' })}`,
      unknown: 'unknown (the server does not report sizes)',
      where: (where: 'sandbox' | 'server'): string => (where === 'sandbox' ? 'in the sandbox’s data folder' : 'on the server'),
      reclaimable: (bytes: string, count: number) => `${n(count)} not needed (${bytes}): every checkpoint but the last, the best and the final one.`,
      cleanUp: 'Clean up',
      cleaned: (count: number) => `Deleted ${n(count)} ${fmt.plural(count, { one: 'checkpoint', other: 'checkpoints' })}.`,
      failed: (count: number) =>
        `${n(count)} could not be deleted: the server no longer lists their run (TuFT forgets a run when it is unloaded). Delete them in the server’s checkpoint folder.`,
      nothing: 'Nothing to clean up.',
      total: (bytes: string, runs: number) => `${bytes} across ${n(runs)} ${fmt.plural(runs, { one: 'run', other: 'runs' })}`,
      measure: 'Measure',
    },
    sweepProgress: (finished: number, total: number) => `${n(finished)} of ${n(total)} finished — the recommendation comes when every run has finished.`,
    recommend: (v: { rank: number; lr: string; stopStep: number; best: string }) =>
      `Recommended: rank ${v.rank}, LR ${v.lr}, stop at step ${n(v.stopStep)} (best test NLL ${v.best}).`,
    cell: (v: { verdict: 'fine' | 'overfit' | 'diverged' | 'too-slow'; bestStep: number | null }): string =>
      v.verdict === 'overfit'
        ? `overfit after step ${n(v.bestStep ?? 0)} — lower LR or fewer steps`
        : v.verdict === 'diverged'
          ? 'unstable — lower the LR'
          : v.verdict === 'too-slow'
            ? 'too slow — more steps'
            : 'fine',
    generations: {
      title: 'Generations on held-out prompts',
      intro: 'The same held-out prompts and seed for every run: the guide’s “downstream generation quality” check.',
      target: 'Weights',
      sample: 'Sample',
      sampling: 'Sampling…',
      prompt: (row: number) => `Held-out conversation #${n(row + 1)}`,
      reference: 'Reference answer',
      base: 'Base model',
      column: (name: string, step: number | null) => (step === null ? name : `${name} · step ${n(step)}`),
      none: 'no sampler weights',
    },
    playground: {
      checkpoint: 'Checkpoint',
      final: 'Final weights',
      sameSeed: (seed: number) => `Same prompt and seed (${seed}) in every column.`,
      tuned: (step: number, best: boolean) => (best ? `Best checkpoint · step ${n(step)}` : `Checkpoint · step ${n(step)}`),
    },
    compareEmpty: 'Pick runs to compare in the run list (tick two or more), or open a sweep there.',
    goToRuns: 'Go to the run list',
    configValue: {
      sandbox: 'local sandbox',
      remote: (url: string) => url,
      discovered: 'discovered server',
      adamDefaults: 'defaults (β1 0.9, β2 0.95, ε 1e-12)',
      none: 'none',
      off: 'off',
      patience: (count: number) => `after ${n(count)} ${fmt.plural(count, { one: 'evaluation', other: 'evaluations' })} without a new best`,
      keep: (keep: 'last-best' | 'all'): string => (keep === 'all' ? 'every checkpoint' : 'the last and the best'),
    },
    configKeys: {
      name: 'Name', server: 'Server', baseModel: 'Base model', tokenizer: 'Tokenizer', dataset: 'Dataset', rank: 'LoRA rank', trainMlp: 'Train MLP',
      trainAttn: 'Train attention', trainUnembed: 'Train unembedding', learningRate: 'Learning rate', adam: 'Adam', batchSize: 'Batch size',
      maxLength: 'Max length', steps: 'Steps', epochs: 'Epochs', evalEvery: 'Eval every', evalSetSize: 'Eval set size', seed: 'Seed',
      trainOn: 'Train on', checkpointEvery: 'Checkpoint every', lookahead: 'Steps in flight', heldOutFraction: 'Held-out fraction',
      earlyStop: 'Early stop', keepCheckpoints: 'Checkpoints kept',
    } as Record<string, string>,
    yes: 'yes',
    no: 'no',
    elapsed: (duration: string) => `took ${duration}`,
  },
  /**
   * The command lines (`npm run cli`, `sft`, `sandbox`, `serve`, `start`), in the language LC_ALL, LC_MESSAGES
   * or LANG names. Usage lines keep commands and flags as typed; placeholders (DIR, N…) are words of the language.
   */
  cli: {
    /** Main's own error messages are English: a language that is not shows the catalogue's title in their place. */
    mainMessagesReadable: true,
    common: {
      usage: (usage: string) => `usage: ${usage}`,
      error: (message: string) => `error: ${message}`,
      failure: (code: string, message: string, fix: string) => `error [${code}]: ${message} — ${fix}`,
      /** Main's English message under the catalogue's words, for a search or a bug report. */
      original: (message: string) => `  original message: ${message}`,
      internal: (message: string) => `error [internal]: ${message}`,
      unknownOption: (option: string) => `unknown option ${option}`,
      needsValue: (option: string) => `${option} needs a value`,
      takesNoValue: (option: string) => `${option} takes no value`,
      unexpectedArgument: (arg: string) => `unexpected argument "${arg}"`,
      integerRange: (flag: string, min: number, max: number, got: string) => `--${flag} must be an integer from ${n(min)} to ${n(max)} (got "${got}")`,
      serverLogTail: 'last lines of the server log:',
      fullLog: (file: string) => `full log: ${file}`,
      warning: (message: string) => `warning: ${message}`,
    },
    /** Fixes that fit a terminal better than the app's (which point at its screens). */
    fix: {
      'invalid-input': 'Correct the value and run the command again (--help lists the options).',
      'missing-api-key': 'Pass the key with --api-key-file FILE (its first line) or set TINKER_API_KEY; the key is in the server’s config (authorized_users).',
      'run-not-found': 'Use the id of a run in this data folder (TUFT_STUDIO_HOME): the app’s run list shows them, and `npm run sft` prints one when a run starts.',
      'sandbox-port-taken': 'Stop the program that holds the port, or pick another with --port (--port 0 takes any free one).',
      'local-server-not-running': 'Start one with `npm run cli -- server launch --model-path DIR`.',
      'dataset-not-cached': 'Import it first with `npm run cli -- dataset import <hf-id|path>`; `npm run cli -- dataset list` shows what is imported.',
      'not-found': 'Check the name: `npm run cli -- dataset list` shows the imported datasets and their splits.',
    },
    dataset: {
      usage: 'npm run cli -- <dataset|server> <command> [options]',
      commandUsage: (usage: string, summary: string) => `usage: npm run cli -- ${usage}\n  ${summary}`,
      unknownCommand: (name: string) => `unknown command "${name}"`,
      commands: {
        import: {
          usage: 'dataset import <hf-id|path> [--split S] [--name NAME] [--format messages|sharegpt|alpaca] [--mapping JSON] [--revision REV] [--endpoint URL] [--json]',
          summary: 'import a hub dataset (all splits, or --split) or a .jsonl/.json/.parquet file into the local store',
        },
        list: { usage: 'dataset list [--json]', summary: 'list the datasets in the local store with their splits and provenance' },
        stats: {
          usage: 'dataset stats <name> --tokenizer <model-or-dir> [--max-length N] [--split S] [--train-on all-assistant|last-assistant|all] [--endpoint URL] [--json]',
          summary: 'token statistics of a cached split: length histogram, share truncated, suggested max length, token counts',
        },
        datums: {
          usage:
            'dataset datums <name> --tokenizer <model-or-dir> [--train-on all-assistant|last-assistant|all] [--max-length N] [--split S] [--endpoint URL] --out file.jsonl',
          summary: 'write one JSON datum per line ({"model_input","target_tokens","weights"}) in dataset order; skipped rows go to stderr',
        },
        launch: {
          usage:
            'server launch --model-path DIR [--model-name NAME] [--port P] [--max-lora-rank R] [--checkpoint-dir D] [--config-out F] [--max-model-len N] [--tensor-parallel-size N] [--training-backend hf|fsdp] [--host 127.0.0.1|0.0.0.0] [--timeout SECONDS] [--json]',
          summary: 'start TuFT in the background on a local model folder; returns once it answers (PID, port and log path are recorded in the data folder)',
        },
        status: { usage: 'server status [--json]', summary: 'the local TuFT server `server launch` started: URL, port, PID, healthy' },
        stop: { usage: 'server stop [--json]', summary: 'stop the local TuFT server (SIGTERM, then SIGKILL after a grace period); exits 0 once it is gone' },
        logs: { usage: 'server logs [--lines N] [--search TEXT]', summary: 'print the local server log: its last lines, or the lines containing TEXT' },
        runs: {
          usage: 'server runs [--server URL] [--api-key-file F] [--json]',
          summary: 'training runs this key owns on a server (TUFT_ADDRESS, ~/.tuft/tuft_current_server, … when --server is not given), with their checkpoints',
        },
        checkpoints: { usage: 'server checkpoints RUN_ID [--server URL] [--api-key-file F] [--json]', summary: 'one training run’s checkpoints (training and sampler) with sizes' },
      },
      expectedOne: 'expected one dataset id or path',
      formatChoice: (got: string) => `--format must be messages, sharegpt or alpaca (got "${got}")`,
      mappingNotJson: (error: string) => `--mapping must be JSON, e.g. '{"messagesField":"dialog","roles":{"bot":"assistant"}}': ${error}`,
      progress: {
        listing: 'listing files',
        downloading: (file: string, percent: string | null, done: string, total: string) => `downloading ${file}${percent ? ` ${percent}` : ''} (${done} of ${total})`,
        reading: (split: string, file: string, rows: number, total: number) => `reading ${split} ${file}: ${n(rows)} rows${total ? ` of ${n(total)}` : ''}`,
        saving: (conversations: number) => `saving ${n(conversations)} ${fmt.plural(conversations, { one: 'conversation', other: 'conversations' })}`,
      },
      report: {
        imported: (v: { name: string; format: string; from: string; cached: boolean }) =>
          `${v.cached ? 'Using cached' : 'Imported'} dataset "${v.name}" (${v.format} format) from ${v.from}${v.cached ? ' (offline copy)' : ''}`,
        fromHub: (repo: string, endpoint: string, revision: string | null) => `hub ${repo} via ${endpoint}${revision ? ` @ ${revision}` : ''}`,
        fromFile: (file: string) => `file ${file}`,
        split: (split: string, rows: number, rejected: number) =>
          `  split ${split}: ${n(rows)} ${fmt.plural(rows, { one: 'conversation', other: 'conversations' })}, ${n(rejected)} rejected`,
        noRejections: 'No rows rejected.',
        rejected: (count: number) => `Rejected rows: ${n(count)}`,
        warned: (count: number) => `Imported with warnings: ${n(count)}`,
        /** `label` is the reason in words; English keeps the code, which the app's report and the docs name. */
        group: (code: string, _label: string, count: number) => `  ${code}: ${n(count)}`,
        example: (split: string, row: number, detail: string | null, excerpt: string) => `    e.g. ${split} row ${n(row)}${detail ? ` (${detail})` : ''}: ${excerpt}`,
      },
      list: {
        empty: 'No datasets yet. Import one: npm run cli -- dataset import HuggingFaceH4/no_robots',
        split: (split: string, rows: number, rejected: number) => `${split} ${n(rows)}${rejected ? ` (+${n(rejected)} rejected)` : ''}`,
        imported: (when: string) => `imported ${when}`,
      },
    },
    tokenize: {
      expectedName: (usage: string) => `expected one dataset name (usage: ${usage})`,
      tokenizerRequired:
        '--tokenizer <model-or-dir> is required (a hub model id such as Qwen/Qwen3-4B-Instruct-2507, or a folder with tokenizer.json + tokenizer_config.json)',
      maxLength: (got: string) => `--max-length must be an integer of at least 2 (got "${got}")`,
      trainOn: (choices: readonly string[], got: string) => `--train-on must be one of ${choices.join(', ')} (got "${got}")`,
      outRequired: '--out file.jsonl is required (where the datums are written, one JSON object per line)',
      cannotWrite: (file: string, code: string) => `Cannot write ${file} (${code})`,
      progress: {
        downloading: (file: string, done: string, total: string) => `downloading ${file} ${done} of ${total}`,
        loading: 'loading tokenizer',
        tokenizing: (done: number, total: number) => `tokenizing ${n(done)}/${n(total)} conversations`,
        saving: 'saving',
      },
      origin: { builtin: 'builtin', dir: 'dir', 'local-server': 'local-server', cache: 'cache', hub: 'hub' } as Record<string, string>,
      header: (v: { name: string; model: string; origin: string; id: string; trainOn: string; cached: boolean }) =>
        `dataset "${v.name}" tokenized with ${v.model} (${v.origin}, ${v.id}), train on ${v.trainOn}${v.cached ? ' (cached)' : ''}`,
      conversations: (count: number) => `conversations: ${n(count)}`,
      tokens: (total: number, weighted: number) => `tokens: ${n(total)} total, ${n(weighted)} weighted (trained on, after the cut)`,
      length: (p50: number, p95: number, max: number) => `length: p50 ${n(p50)}, p95 ${n(p95)}, max ${n(max)}`,
      truncated: (maxLength: number, share: string) => `truncated at max length ${n(maxLength)}: ${share} of conversations`,
      suggested: (length: number) => `suggested max length (p95): ${n(length)}`,
      histogram: 'length histogram:',
      skipped: (count: number) => `skipped: ${n(count)}`,
      skippedHead: (count: number) => `skipped ${n(count)} ${fmt.plural(count, { one: 'conversation', other: 'conversations' })} (no datum):`,
      skippedGroup: (count: number, reason: string) => `  ${n(count)} × ${reason}`,
      skippedRow: (row: number, reason: string) => `    row ${row}: ${reason}`,
      skippedMore: (count: number) => `    … and ${n(count)} more`,
      wrote: (count: number, file: string, skipped: number) => `wrote ${n(count)} datums to ${file}${skipped ? ` (${n(skipped)} skipped)` : ''}`,
      /** Why a conversation yields no datum, for languages that do not show main's English reason. */
      skip: {
        tooFewTokens: (tokens: number, maxLength: number) => `only ${n(tokens)} tokens after the cut to max length ${n(maxLength)}`,
        beyondMaxLength: (maxLength: number) => `no weighted target token within max length ${n(maxLength)}`,
        firstTrainedAt: (position: number, length: number) => `the first trained token is at position ${n(position)} of ${n(length)}`,
        nothingWeighted: 'no weighted target token (nothing to train on)',
        noTargetMessage: (assistantOnly: boolean): string => (assistantOnly ? 'no assistant message to train on' : 'no message to train on'),
        notVerbatim: 'a message does not appear verbatim in the rendered text (the chat template rewrites it), so an exact mask is impossible',
        notVerbatimRow: (message: number, role: string) => `message ${n(message)} (${role})`,
        noOffsets: 'this tokenizer reports no token offsets, so the mask cannot be computed exactly',
        templateError: 'the chat template fails on this conversation',
        other: 'other reasons',
      },
    },
    server: {
      notRunning: 'No local TuFT server is running.',
      status: (v: { state: string; stateLabel: string; url: string; pid: number | null; healthy: boolean }) =>
        `TuFT ${v.state === 'running' ? 'is running' : `is ${v.state}`} at ${v.url} (PID ${v.pid}${v.healthy ? ', healthy' : ', not answering /api/v1/healthz'}).`,
      model: (name: string, dir: string) => `  model:   ${name}  ←  ${dir}`,
      config: (file: string) => `  config:  ${file}`,
      log: (file: string) => `  log:     ${file}`,
      key: '  key:     generated for user local-user, in the config above (authorized_users); `server runs` and the app use it',
      stopHint: '  stop:    npm run cli -- server stop',
      stopped: (pid: number | null, port: number | null) => `Stopped TuFT (PID ${pid}, port ${port}).`,
      noneWasRunning: 'No local TuFT server was running.',
      noLog: 'No local TuFT server log yet',
      modelPathRequired: '--model-path DIR is required (a folder with config.json, tokenizer files and *.safetensors)',
      nameWithoutPath: 'each --model-name names the --model-path given at the same position',
      backend: (got: string) => `--training-backend must be hf or fsdp (got "${got}")`,
      host: (got: string) => `--host must be 127.0.0.1 (this machine) or 0.0.0.0 (all interfaces); got "${got}"`,
      expectedRunId: 'expected one training run id',
      noRuns: (url: string) => `No training runs for this key on ${url}.`,
      runsHead: (count: number, url: string) => `${n(count)} training ${fmt.plural(count, { one: 'run', other: 'runs' })} on ${url}:`,
      run: (v: { id: string; baseModel: string; rank: number | null; checkpoints: number }) =>
        `${v.id}  ${v.baseModel}  rank ${v.rank ?? '—'}  ${n(v.checkpoints)} ${fmt.plural(v.checkpoints, { one: 'checkpoint', other: 'checkpoints' })}`,
      studioRun: (name: string, status: string) => `  [TuFT Studio run "${name}", ${status}]`,
      noCheckpoints: (id: string) => `Training run ${id} has no checkpoints.`,
      checkpointType: { training: 'training', sampler: 'sampler' } as Record<string, string>,
      public: 'public',
    },
    apiKey: {
      both: 'Give the API key once: --api-key-file FILE or --api-key KEY, not both.',
      flagWarning:
        'warning: --api-key puts the key in your shell history and in the process list (ps), and npm echoes it; prefer TINKER_API_KEY or --api-key-file FILE.',
      emptyFlag: '--api-key is empty.',
      prompt: (url: string) => `API key for ${url} (input hidden; Enter for none): `,
      readableByOthers: (file: string) => `warning: ${file} can be read by other users of this machine; \`chmod 600 ${file}\` keeps the key yours.`,
      unreadable: (file: string, code: string) => `--api-key-file ${file} cannot be read (${code})`,
      empty: (file: string) => `--api-key-file ${file} is empty`,
      cancelled: 'Cancelled at the API key prompt.',
    },
    sft: {
      help: `Usage: npm run sft -- [options]

  --config FILE            run config JSON (RunConfig keys; snake_case accepted); flags override it
  --server URL             TuFT server (else discovered: TUFT_ADDRESS, TINKER_BASE_URL, ~/.tuft/tuft_current_server,
                           http://127.0.0.1:10610; with none answering, the built-in sandbox starts in-process)
  --api-key-file FILE      read the API key for a remote server from FILE (its first line). Preferred, like
                           TINKER_API_KEY: a key given on the command line is echoed by npm and visible in ps.
                           With neither, a terminal asks for the key (input hidden)
  --api-key KEY            the API key on the command line: works, with a warning (prefer the two above)
  --sandbox                use the built-in sandbox (in-process, data in TUFT_STUDIO_HOME/sandbox)
  --dataset NAME|PATH      a dataset in the local store, a hub id, or a .jsonl/.json/.parquet file
                           (default HuggingFaceH4/no_robots, cached after the first download; HF_ENDPOINT for a
                           mirror; offline with nothing cached: the bundled sample-chat dataset)
  --split S                training split (default train)
  --model M                base model (default: the server's first model)
  --tokenizer DIR|ID       tokenizer folder (tokenizer.json + tokenizer_config.json) or model id
  --rank R  --lr LR  --batch-size B  --max-length N  --steps S  --epochs E
  --eval-every N  --eval-set-size N  --checkpoint-every N  --seed N  --train-on all-assistant|last-assistant|all
                           (no --steps/--epochs: 3 epochs of the conversations trained on, fewer for large datasets)
  --held-out-fraction F    share of the training split held out for test NLL when there is no test split (default 0.05)
  --early-stop PATIENCE    stop after PATIENCE evaluations without a new best test NLL (off by default; per cell in a sweep)
  --keep-checkpoints last-best|all   checkpoints kept on the server (default last-best: the last state, best and final weights)
  --export-script DIR      afterwards write a Python script that reproduces the run with the official tinker SDK and the
                           exact datums it reads (<name>-train.py, <name>-datums.jsonl; a folder per cell for a sweep)
  --name NAME              run name
  --sweep ranks=8,32 lrs=1e-4,1e-3   grid sweep (each cell a normal run)   --concurrency N (default 2)
  --resume RUN_ID          resume an interrupted/failed/stopped run (accepts --max-length, --batch-size, --rank, --lr)
  --summary-json FILE      write the summary as JSON: {"run_id", "status", "steps", "train_nll": [[step, value], …],
                           "test_nll": [[step, value], …], "checkpoints": [{"step", "kind", "name", "path"}, …],
                           "best": {"step", "test_nll"} | null, "verdict": "fine"|"overfit"|"diverged"|"too-slow",
                           "best_checkpoint": sampler path | null, "epochs", "eval_conversations"};
                           for a sweep {"sweep_id", "concurrency", "max_concurrent", "runs": [that object plus "rank",
                           "learning_rate", "final_test_nll", "best_test_nll", "train_mean_nll", "note"], "recommendation":
                           {"run_id", "rank", "learning_rate", "reason", "stop_step", "checkpoint"} | null}
  --help

Exit status: 0 when the run (every sweep cell) completed, 1 otherwise. Ctrl-C stops and saves; twice cancels.
`,
      unexpectedArgument: (arg: string) => `Unexpected argument ${arg} (see --help)`,
      unknownOption: (flag: string) => `Unknown option --${flag} (see --help)`,
      needsValue: (flag: string) => `--${flag} needs a value`,
      notANumber: (flag: string, got: string) => `--${flag} must be a number (got ${got})`,
      sweepSpec: (got: string) => `--sweep needs ranks=R1,R2 and lrs=LR1,LR2 (got "${got}")`,
      configUnreadable: (file: string, code: string) => `Cannot read --config ${file} (${code})`,
      configNotJson: (file: string) => `--config ${file} is not JSON`,
      failure: (code: string, message: string) => `error ${code}: ${message}`,
      fix: (fix: string) => `fix: ${fix}`,
      sandboxStarted: (why: string, url: string, dir: string) => `${why}: started the built-in sandbox in-process at ${url} (data in ${dir}).`,
      whyFlag: '--sandbox',
      whyConfig: 'config asks for the sandbox',
      whyNoServer: (url: string, source: string) => `No TuFT server answers at ${url} (${source})`,
      usingServer: (url: string, source: string) => `Using the TuFT server at ${url} (from ${source}).`,
      datasetFromFile: (name: string, splits: string, file: string) => `Dataset ${name}: imported ${splits} from ${file}.`,
      fileSplit: (split: string, rows: number) => `${split} ${n(rows)} rows`,
      datasetFromHub: (name: string, splits: string, cached: boolean) => `Dataset ${name}: ${splits} rows${cached ? ' (local copy)' : ' (downloaded)'}.`,
      hubSplit: (split: string, rows: number) => `${split} ${n(rows)}`,
      datasetProgress: (phase: string, done: number, total: number) => `dataset: ${phase} ${n(done)}/${n(total)}`,
      cannotDownload: (repo: string, code: string, message: string) => `Cannot download ${repo} (${code}: ${message}) and no copy is cached.`,
      fallback: (file: string, repo: string) =>
        `Falling back to the small sample chat dataset bundled with TuFT Studio (${file}); set HF_ENDPOINT to a mirror for ${repo}.`,
      progress: (v: { step: number; total: number; train: string; test: string; throughput: string | null; eta: string | null }) =>
        `${n(v.step)}/${n(v.total)} train NLL ${v.train} test NLL ${v.test}${v.throughput ? ` ${v.throughput} tok/s` : ''}${v.eta ? ` ETA ${v.eta}` : ''}`,
      /** A run's phase as it begins; `message` is main's English detail, shown where it reads as this language. */
      phase: (phase: string, message: string | null) => `${phase}${message ? `: ${message}` : ''}`,
      phases: {
        connecting: 'connecting to the server…',
        tokenizing: 'tokenizing…',
        'creating-run': 'creating the run…',
        training: 'training…',
        saving: 'saving…',
        done: 'done',
        error: 'error',
        stopped: 'stopped',
        paused: 'paused',
      } satisfies Record<RunPhase, string>,
      eval: (step: number, nll: string, conversations: number) => `step ${n(step)}: test NLL ${nll} on ${n(conversations)} held-out conversations`,
      checkpointKind: { sampler: 'sampler', state: 'state' } as Record<string, string>,
      checkpointSaved: (kind: string, step: number, file: string) => `saved ${kind} at step ${n(step)}: ${file}`,
      stopping: 'Stopping after the steps in flight and saving (Ctrl-C again to cancel without saving)…',
      marked: (ids: readonly string[]) =>
        `Marked ${n(ids.length)} ${fmt.plural(ids.length, { one: 'run', other: 'runs' })} left running by a stopped process as interrupted: ${ids.join(', ')}`,
      resuming: (v: { id: string; name: string; status: string; step: number; total: number }) =>
        `Resuming run ${v.id} "${v.name}" (${v.status} at step ${n(v.step)}/${n(v.total)}).`,
      forked: (v: { savedRank: number; rank: number; newId: string; oldId: string }) =>
        `The saved LoRA weights have rank ${v.savedRank}, so rank ${v.rank} starts a new run ${v.newId} (run ${v.oldId} is kept).`,
      sweepStarted: (id: string, ranks: string, lrs: string) => `Sweep ${id}: ranks ${ranks} × lrs ${lrs}.`,
      runStarted: (id: string) => `Run ${id} started (Ctrl-C stops and saves).`,
      wrote: (file: string) => `wrote ${file}`,
      serverDefault: '(server default)',
      /** A line of the guide's reading followed by the checkpoint it names, or by a caveat. */
      withPath: (text: string, file: string) => `${text}: ${file}`,
      withCaveat: (text: string, caveat: string) => `${text} — ${caveat}`,
      summary: {
        head: (v: { id: string; name: string; status: string; step: number; total: number }) => `run ${v.id} "${v.name}": ${v.status} at step ${n(v.step)}/${n(v.total)}`,
        setup: (v: { model: string; rank: number; lr: string; dataset: string }) => `  model ${v.model}, rank ${v.rank}, lr ${v.lr}, dataset ${v.dataset}`,
        data: (v: { train: number; eval: number; from: string }) => ` (${n(v.train)} train, ${n(v.eval)} eval from ${v.from})`,
        evalFrom: (source: string, split: string | null): string => (source === 'split' ? `split ${split ?? ''}` : source),
        curves: (v: { firstTrain: string; lastTrain: string; firstTest: string; firstTestStep: string; lastTest: string; bestTest: string }) =>
          `  train NLL ${v.firstTrain} → ${v.lastTrain}; test NLL ${v.firstTest} (step ${v.firstTestStep}) → ${v.lastTest} (best ${v.bestTest})`,
        verdict: (verdict: string, note: string) => `  ${verdict}: ${note}`,
        checkpoint: (path: string) => `  checkpoint: ${path}`,
        resume: (id: string) => `  resume: npm run sft -- --resume ${id}`,
      },
      sweep: {
        head: (v: { id: string; name: string; concurrency: number; observed: number }) => `sweep ${v.id} "${v.name}" (concurrency ${v.concurrency}, max observed ${v.observed})`,
        columns: ['rank', 'lr', 'status', 'final test', 'best test (step)', 'train mean', 'verdict', 'note'],
        none: (why: string) => `recommended: none — ${why}`,
        noneCompleted: 'recommended: none (no completed cell without divergence)',
        /** Another cell's verdict after the recommendation; English prints main's reason line instead. */
        other: (rank: number, lr: string, note: string) => `rank ${rank}, LR ${lr}: ${note}`,
      },
    },
    sandbox: {
      help: (defaultPort: number) => `Usage: npm run sandbox -- [options]
  --port P              port to listen on (default ${defaultPort}; a free port if that one is taken; 0 = any)
  --host H              interface (default 127.0.0.1; anything else is reachable from other machines)
  --key K               accepted API key (repeatable; default: the key saved in the data dir, created on first run)
  --data-dir D          where runs and checkpoints persist (default: the app's sandbox folder)
  --seed N              seed of the frozen base model and of sampling (default 0)
  --long-poll-ms N      how long retrieve_future waits before answering try_again (default 120000, as TuFT)
  --latency-ms N        fault: added latency per call
  --failure-rate F      fault: share of calls answered 503 (0..1)
  --drop-rate F         fault: share of calls whose connection is dropped before they are handled (0..1)
  --lost-reply-rate F   fault: share of calls handled in full whose reply is then lost (0..1)
  --oom-token-budget N  fault: forward_backward batches above N tokens fail with CUDA out of memory
  --json                print only the SANDBOX_READY line (for programs)`,
      failed: (message: string) => `sandbox: ${message}`,
      notANumber: (flag: string, min: number, max: number, got: string) => `--${flag} must be a number in [${min}, ${max}], got '${got}'`,
      portTaken: (port: number) => `port ${port} is in use, so a free port was picked`,
      title: 'TuFT Studio sandbox (TuFT-compatible, CPU-only tiny model "sandbox/qwen3-tiny")',
      url: (url: string, note: string | null) => `  URL:      ${url}${note ? `   (${note})` : ''}`,
      apiKey: (key: string) => `  API key:  ${key}`,
      dataDir: (dir: string) => `  Data dir: ${dir}`,
      faults: (list: string) => `  Faults:   ${list}`,
      python: (env: string) => `  Python:   ${env}`,
      stop: 'Press Ctrl-C to stop.',
      exposed: (host: string) =>
        `Warning: --host ${host} makes the sandbox reachable from other machines. Its API key travels unencrypted over plain HTTP, and anyone holding it can use this machine’s CPU and disk. Prefer 127.0.0.1 (over SSH: ssh -L).`,
    },
    serve: {
      help: 'Usage: npm run serve -- [--port P] [--host 127.0.0.1] [--open] [--sandbox-port P]',
      failed: (message: string) => `tuft-studio serve: ${message}`,
      /** A call from the page that failed, as the terminal logs it. */
      channelFailed: (channel: string, code: string, message: string) => `${channel} failed: ${code}: ${message}`,
      unknownOption: (option: string) => `Unknown option ${option} (try --help)`,
      port: '--port must be 0–65535',
      sandboxPort: (min: number, got: string) => `--sandbox-port must be ${min}–65535 (got ${got})`,
      loopbackOnly: (host: string) => `--host must be a loopback address (got ${host})`,
      building: 'Building the app (electron-vite build)…',
      buildFailed: 'the renderer build failed (see the output above)',
      started: (dir: string) => `TuFT Studio (browser mode) — data in ${dir}`,
      sandboxPortNote: (port: number) => `The built-in sandbox will listen on http://127.0.0.1:${port} when you start it.`,
      openThis: 'Open this address (it carries this launch’s access token):',
      stop: 'Press Ctrl+C to stop.',
    },
    /** `npm start` (scripts/start.mjs). */
    start: {
      lookingForElectron: 'Looking for the Electron runtime (downloaded once on first start)…',
      downloadFailed: (source: string, why: string) => `its runtime could not be downloaded from ${source} (${why})`,
      exitCode: (code: string) => `exit code ${code}`,
      runtimeMissing: (file: string) => `its runtime is missing (${file})`,
      noPath: 'no path',
      noDisplay: 'no graphical display (DISPLAY / WAYLAND_DISPLAY unset), e.g. a server reached over SSH',
      buildingSqlite: (sqlite: string, electron: string) => `Building better-sqlite3 ${sqlite} for Electron ${electron} (once; about two minutes)…`,
      rebuildFailed: 'the Electron rebuild of better-sqlite3 produced no binary',
      commandFailed: (command: string) => `${command} failed`,
      startingElectron: (version: string) => `Starting Electron ${version}…`,
      exitedAtStartup: (how: string) => `Electron exited at startup (${how})`,
      codeOf: (code: string) => `code ${code}`,
      cannotStart: (why: string) => `Electron could not be started: ${why}.`,
      browserInstead: 'Starting TuFT Studio in your web browser instead: the same app, served on 127.0.0.1 only.',
      mirrorAdvice: 'For the desktop window, download Electron through a mirror and run `npm start` again, e.g.',
    },
  },
  bench: { title: 'Chart frame benchmark' },
}

export type UiStrings = typeof en
