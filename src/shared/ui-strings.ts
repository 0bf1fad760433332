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
import type { KeySource, KeyStatus, SandboxStatus, ServerSource } from './contract'
import type { ResumableParam, RunStatus } from './runs'
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
    fromHub: 'Hugging Face',
    fromFile: 'Local file',
    cached: (count: number) => `Already imported (${n(count)})`,
    noneCached: 'Nothing imported yet.',
    hubId: 'Dataset id',
    split: 'Split',
    splitPlaceholder: 'all splits',
    filePath: 'File path (.jsonl, .json or .parquet)',
    format: 'Format',
    formats: { auto: 'Detect automatically', messages: 'OpenAI messages', sharegpt: 'ShareGPT', alpaca: 'Alpaca' },
    endpoint: 'Hub endpoint',
    endpointHelp: (effective: string, source: 'settings' | 'HF_ENDPOINT' | 'default') =>
      `Downloads use ${effective} (${source === 'settings' ? 'set here' : source === 'HF_ENDPOINT' ? 'from HF_ENDPOINT' : 'default'}). Behind a firewall, use a mirror such as https://hf-mirror.com.`,
    endpointSave: 'Use this endpoint',
    endpointReset: 'Reset',
    import: 'Import',
    importing: 'Importing…',
    offline: 'Offline · served from the local cache',
    report: 'Import report',
    splitRows: (split: string, rows: number) => `${split}: ${n(rows)}`,
    rows: (count: number) => `${n(count)} ${fmt.plural(count, { one: 'conversation', other: 'conversations' })}`,
    rejected: (count: number) => `${n(count)} rejected`,
    rejections: 'Rejected rows',
    noRejections: 'Every row was usable.',
    reason: 'Reason',
    count: 'Rows',
    examples: 'Examples',
    preview: 'Preview',
    previewSplit: 'Split',
    page: (from: number, to: number, total: number) => `${n(from)}–${n(to)} of ${n(total)}`,
    trainSplit: 'Train on split',
    evalSplit: 'Test NLL on',
    evalHeldOut: 'a held-out slice of the train split',
    choose: 'Use this dataset',
  },
  model: {
    title: 'Model and chat template',
    intro: 'Each conversation is rendered with the model’s own chat template; only the tokens the model should learn carry loss.',
    baseModel: 'Base model',
    noModels: 'Connect to a server first: its capabilities list the models you can train.',
    tokenizer: 'Tokenizer',
    tokenizerLoading: 'Loading the tokenizer…',
    tokenizerReady: (vocab: number) => `Loaded · ${n(vocab)} tokens`,
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
    serverSaid: (m: string) => `Server said: ${m}`,
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
    was: (value: string) => `was ${value}`,
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
  },
  bench: { title: 'Chart frame benchmark' },
}

export type UiStrings = typeof en
