/**
 * 简体中文界面文案。结构与英文目录（ui-strings.ts）逐键对应：本对象以英文目录的类型声明，缺键或多键都会
 * 让类型检查失败。新增文案时，请在 ui-strings.ts 与本文件的同一位置各加一条。
 * 术语以 docs/glossary.zh-CN.md 为准（TuFT 中文文档与 chat-SFT 指南的用法）；模型 ID、代码、命令行参数、
 * 环境变量和文件名保持原样，不翻译。数字、日期与时长一律经由本语言的 `fmt`（Intl）格式化。
 *
 * The Simplified Chinese UI catalogue, declared with the English catalogue's type (see ui-strings.ts).
 */
import type { KeySource, KeyStatus, SandboxStatus, ServerSource, TokenizerProvenance } from './contract'
import type { DatasetFormat, RowFact, ValueKind } from './datasets'
import type { LocalServerField } from './local-server'
import type { ResumableParam, RunPhase, RunStatus } from './runs'
import { createFormat } from './i18n/format'
import type { AdviceValues, UiStrings } from './ui-strings'

const fmt = createFormat('zh-CN')
const n = fmt.int

const ROLES = { system: '系统', user: '用户', assistant: '助手', tool: '工具' }
/** What a JSON value is, in a rejection's words (field names and `null` stay as the data spells them). */
const VALUE_KINDS: Record<ValueKind, string> = {
  list: '列表',
  null: ' null',
  string: '字符串',
  number: '数字',
  boolean: '布尔值',
  object: '对象',
  undefined: ' undefined',
  bigint: '大整数',
  symbol: ' symbol',
  function: '函数',
}

export const zhCN: UiStrings = {
  app: {
    name: 'TuFT Studio',
    tagline: '在 TuFT 服务器上做 LoRA 对话微调',
    loading: 'TuFT Studio 启动中…',
    modeBrowser: '浏览器模式',
    modeElectron: '桌面版',
    skipLink: '跳到主要内容',
  },
  language: {
    label: '语言',
    followSystem: (current: string) => `跟随系统（${current}）`,
  },
  nav: {
    label: '主导航',
    newRun: '新建训练',
    history: '运行记录',
    compare: '对比',
    playground: '试验场',
    settings: '设置',
    sftOrRl: 'SFT 还是 RL？',
    server: '服务器',
  },
  common: {
    continue: '继续',
    back: '上一步',
    retry: '重试',
    cancel: '取消',
    close: '关闭',
    save: '保存',
    delete: '删除',
    rename: '重命名',
    confirm: '确认',
    notReported: '未上报',
    working: '处理中…',
    previous: '上一页',
    next: '下一页',
  },
  progressPhase: {
    listing: '列出文件',
    downloading: '下载中',
    parsing: '解析中',
    validating: '校验中',
    checking: '检查 Hub 连通性',
    uploading: '上传中',
    loading: '加载中',
    tokenizing: '分词中',
    saving: '保存中',
  },
  roles: ROLES,
  chart: {
    step: '步数',
    nll: 'NLL',
    stepAt: (s: number) => `第 ${n(s)} 步`,
  },
  wizard: {
    title: '新建微调训练',
    steps: { connect: '连接服务器', dataset: '数据集', model: '模型与模板', 'rank-lr': '秩与学习率', review: '确认配置', train: '训练' },
    stepOf: (i: number, total: number) => `第 ${n(i)} 步，共 ${n(total)} 步`,
    sftOrRlLink: '不确定你的任务该用 SFT？',
  },
  connect: {
    title: '连接 TuFT 服务器',
    intro:
      'TuFT Studio 在 TuFT 服务器上训练（兼容 Tinker API，默认端口 10610）。选择一个已发现的服务器或输入地址，然后测试连接。没有 GPU？可以先用本地沙箱把整个流程跑一遍。',
    discovered: '已发现的服务器',
    noneDiscovered: '没有发现可用的服务器。',
    sourceLabel: {
      explicit: '手动输入',
      TUFT_ADDRESS: 'TUFT_ADDRESS',
      TINKER_BASE_URL: 'TINKER_BASE_URL',
      'address-file': '~/.tuft 地址文件',
      default: '默认地址',
      saved: '设置中保存的',
      sandbox: '本地沙箱',
      'local-server': '本机启动的 TuFT',
    } satisfies Record<ServerSource, string>,
    url: '服务器地址',
    apiKey: 'API 密钥',
    apiKeyPlaceholder: (stored: string | null, env: string | null): string =>
      stored ? `留空则沿用已保存的密钥（${stored}）` : env ? `留空则使用 TINKER_API_KEY（${env}）` : '服务器的 API 密钥（如果需要）',
    apiKeyWillSave: (replaces: string | null): string =>
      replaces
        ? `测试连接时，这个密钥会加密保存到本机的 TuFT Studio 设置中，替换已保存的密钥（${replaces}）。`
        : '测试连接时，这个密钥会加密保存到本机的 TuFT Studio 设置中。',
    keySaved: (masked: string | null) => `已把密钥 ${masked ?? ''} 加密保存到本机的 TuFT Studio 设置中。可在“设置 → API 密钥”中修改或清除。`,
    editKey: '换一个密钥',
    urlPlaceholder: 'http://127.0.0.1:10610',
    apiKeyHelp: '密钥加密保存在本机，请求时以 X-API-Key 发送；之后不会再显示，也不会写入日志或导出文件。',
    keyStatus: (k: Pick<KeyStatus, 'set' | 'storage' | 'masked' | 'envMasked'>): string =>
      k.set
        ? `已保存密钥 ${k.masked ?? ''}（${k.storage === 'safe-storage' ? '由系统钥匙串加密' : '存于本机的加密密钥文件'}），请求会发送它。`
        : k.envMasked
          ? `应用中未保存密钥，请求会发送 TINKER_API_KEY（${k.envMasked}）。`
          : '应用中未保存密钥，也没有设置 TINKER_API_KEY：请求不会发送密钥。',
    envDiffers: (envMasked: string | null) => `同时设置了 TINKER_API_KEY（${envMasked ?? ''}），且与已保存的密钥不同；以已保存的密钥为准。`,
    test: '测试连接',
    testFirst: '测试连接成功后才能继续。',
    urlChanged: '地址在上次测试后改过了，请重新测试后再继续。',
    testing: '正在检查服务状态、密钥和服务器能力…',
    sandbox: '使用本地沙箱',
    sandboxStarting: '正在启动本地沙箱…',
    sandboxRunning: (url: string) => `本地沙箱运行于 ${url}`,
    sandboxNote: '一个基于 Qwen3 词表的 CPU 小模型：损失会像真实训练一样下降，但生成的回答没有实际意义。',
    sandboxOwnKey: (masked: string | null): string =>
      masked ? `沙箱使用自带的密钥（${masked}），不需要填写。` : '沙箱启动时会生成自己的密钥，不需要填写。',
    sandboxKey: (masked: string) => `密钥 ${masked}`,
    copyKey: '复制密钥',
    keyCopied: '已复制到剪贴板',
    copyFailed: '剪贴板拒绝了写入：请允许此页面访问剪贴板后再试。',
    sandboxPort: (s: Pick<SandboxStatus, 'fixedPort' | 'fixedPortSource'>): string =>
      s.fixedPort === null
        ? '每次启动时自动选择端口。'
        : s.fixedPortSource === 'serve-flag'
          ? `固定端口 ${s.fixedPort}（来自 npm run serve -- --sandbox-port）。`
          : `固定端口 ${s.fixedPort}（来自设置）。`,
    fixPort: '在设置中指定固定端口',
    ok: '已连接',
    health: (ms: number) => `服务正常 · ${fmt.milliseconds(Math.round(ms))}`,
    models: '可训练的模型',
    maxRank: (r: number | undefined) => (r === undefined ? '未上报最大秩' : `LoRA 秩上限 ${n(r)}`),
    maxContext: (c: number | undefined) => (c === undefined ? '' : `上下文 ${n(c)}`),
    keyUsed: (source: KeySource, masked: string | null): string =>
      source === 'none'
        ? '未发送密钥'
        : source === 'sandbox'
          ? `使用沙箱自带的密钥 ${masked ?? ''}`
          : source === 'local-server'
            ? `使用为本机 TuFT 服务器生成的密钥 ${masked ?? ''}`
            : source === 'settings'
              ? `密钥 ${masked ?? ''}，来自应用设置`
              : `密钥 ${masked ?? ''}，来自 ${source}`,
  },
  dataset: {
    title: '选择对话数据集',
    intro: '数据集只需导入一次：导入后缓存在本机，之后离线也能使用。',
    fromSample: '示例数据集',
    fromHub: 'Hugging Face',
    fromFile: '本机文件',
    cached: (count: number) => `已导入（${n(count)}）`,
    noneCached: '还没有导入过数据集。导入的数据会保存在本机，离线也能使用。可以从下面任选一种开始：',
    sampleTitle: 'sample-chat',
    sampleText: '专为 TuFT Studio 编写的简短对话，随应用一起提供，不联网也能走完整个流程：聊天模板、损失掩码、训练和曲线。要训练真正留用的模型，请换成你自己的数据。',
    useSample: '使用示例数据集',
    sampleChosenOffline: (endpoint: string) => `无法访问 ${endpoint}，已为你选好随应用提供的示例数据集。要用自己的数据，可以选择本机文件，或在 Hugging Face 选项卡中换用镜像端点。`,
    hubChecking: (endpoint: string) => `正在检查能否访问 ${endpoint}…`,
    hubUnreachable: (endpoint: string) => `从这里无法访问 ${endpoint}。可以在下方换用镜像端点、选择本机文件，或者使用示例数据集。`,
    hubId: '数据集 ID',
    split: '数据划分',
    splitPlaceholder: '全部划分',
    file: '文件（.jsonl、.json 或 .parquet）',
    chooseFile: '选择文件…',
    dropHere: '或把文件拖到这里',
    dropToImport: '松开鼠标即可导入该文件',
    fileChosen: (name: string, size: string) => `${name} · ${size}`,
    fileNone: '尚未选择文件',
    format: '格式',
    formats: { auto: '自动识别', messages: 'OpenAI messages', sharegpt: 'ShareGPT', alpaca: 'Alpaca' },
    endpoint: 'Hub 端点',
    endpointHelp: (effective: string, source: 'settings' | 'HF_ENDPOINT' | 'default') =>
      `导入时使用此处填写的端点；通过它导入成功后会记住该端点。留空则使用 ${effective}（${source === 'settings' ? '你的设置' : source === 'HF_ENDPOINT' ? '来自 HF_ENDPOINT' : '默认'}）。无法访问 huggingface.co 时，请改用镜像端点，例如 https://hf-mirror.com。`,
    endpointMirror: (endpoint: string) => `改用 ${endpoint}`,
    endpointRemembered: (endpoint: string) => `已将 ${endpoint} 设为你的 Hub 端点（设置 → Hugging Face）。`,
    endpointReset: '恢复默认',
    import: '导入',
    importing: '导入中…',
    offline: '离线 · 来自本地缓存',
    report: '导入报告',
    detectedFormat: (format: DatasetFormat) =>
      `格式：${({ messages: 'OpenAI messages（messages · role/content）', sharegpt: 'ShareGPT（conversations · from/value）', alpaca: 'Alpaca（instruction/input/output）' } as const)[format]}`,
    splitRows: (split: string, rows: number) => `${split}：${n(rows)}`,
    rows: (count: number) => `${n(count)} 条对话`,
    rejected: (count: number) => `已剔除 ${n(count)} 条`,
    warned: (count: number) => `${n(count)} 条有警告`,
    rejections: '被剔除的行',
    rejectionsHelp: '这些行没有导入。每种原因最多列出三个示例，按它们在文件中的行号标出。',
    noRejections: '所有行均可使用。',
    warnings: '已导入但有警告',
    warningsHelp: '这些行已经导入，训练也不会出错，但看起来像是数据本身有问题。',
    reason: '原因',
    warning: '警告',
    count: '行数',
    examples: '示例',
    exampleRow: (split: string, row: number) => `${split}，第 ${n(row)} 行`,
    rowRange: (first: number, last: number) => `第 ${n(first)}–${n(last)} 行`,
    reasons: {
      'not-json': '不是合法的 JSON',
      'not-utf8': '不是 UTF-8 文本（错误信息中给出了可能的编码）',
      'too-deeply-nested': '嵌套层数过深，不像是对话数据',
      'not-an-object': '不是 JSON 对象',
      'row-too-large': '单行超过 16 MB',
      'missing-messages': '没有对话轮次列表（缺少 messages 或 conversations 字段，或缺少映射中指定的字段）',
      'messages-not-a-list': '对话轮次不是列表',
      'empty-conversation': '没有任何对话轮次',
      'message-not-an-object': '某一轮不是对象',
      'missing-role': '某一轮没有角色',
      'unknown-role': '某一轮的角色不是系统、用户、助手或工具（可以用角色映射来对应）',
      'missing-content': '某一轮没有文本',
      'non-string-content': '某一轮的内容不是文本（图片、数字、对象等）',
      'empty-content': '某条用户或助手消息为空',
      'missing-fields': 'Alpaca 格式的行缺少 instruction/output 字段之一',
      'no-assistant-turn': '没有助手回复，无可训练内容',
      'conversation-too-long': '超过 1,048,576 个字符，比任何上下文都长',
      'unreadable-row-group': 'parquet 文件中有一部分无法读取',
    },
    warningNames: {
      'starts-with-assistant': '以助手消息开头（第一条回复之前没有提问）',
      'consecutive-user-turns': '连续两条用户消息',
      'consecutive-assistant-turns': '连续两条助手消息',
      'ends-with-user-turn': '以一条没人回答的用户消息结尾（只作为上下文）',
    },
    fact: (f: RowFact): string => {
      const is = (k: ValueKind): string => VALUE_KINDS[k]
      const role = (r: string): string => (Object.hasOwn(ROLES, r) ? ROLES[r as keyof typeof ROLES] : r)
      switch (f.kind) {
        case 'turn-is':
          return `第 ${n(f.turn)} 轮是${is(f.is)}，不是对象`
        case 'turn-no-role':
          return `第 ${n(f.turn)} 轮缺少 ${f.field} 字段`
        case 'turn-unknown-role':
          return `第 ${n(f.turn)} 轮的角色 ${f.rawRole} 无法识别`
        case 'content-missing':
          return `第 ${n(f.turn)} 轮（${role(f.role)}）没有内容，或内容为 null`
        case 'content-is':
          return `第 ${n(f.turn)} 轮（${role(f.role)}）的内容是${is(f.is)}，不是文本`
        case 'turn-empty':
          return `第 ${n(f.turn)} 轮（${role(f.role)}）内容为空`
        case 'no-turns':
          return '一轮对话也没有'
        case 'roles':
          return `只有这些角色：${f.roles.map(role).join('、')}`
        case 'field-is':
          return `${f.field} 字段是${is(f.is)}`
        case 'no-field':
          return `没有 ${f.field} 字段`
        case 'no-fields':
          return `缺少 ${f.fields.join('、')} 字段`
        case 'instruction-empty':
          return 'instruction 和 input 都为空'
        case 'output-empty':
          return 'output 为空'
        case 'history-shape':
          return 'history 应为 [[提问, 回答], …] 的形式'
        case 'history-turn-empty':
          return 'history 中有一轮为空'
        case 'too-long':
          return `共 ${n(f.chars)} 个字符，最多只导入 ${n(f.max)} 个`
        case 'row-is':
          return `这一行是${is(f.is)}，不是对象`
        case 'too-deep':
          return `嵌套超过 ${n(f.max)} 层`
        case 'too-large':
          return `${f.what === 'line' ? '这一行' : '这条记录'}超过 ${n(f.max)} 字节`
        case 'not-utf8':
          return `${f.inValue ? '有一个文本值' : ''}不是合法的 UTF-8${f.byte !== null ? `（第 ${n(f.byte)} 字节，0x${f.hex ?? ''}）` : ''}${f.latin1 ? '，看起来是 Latin-1 / Windows-1252 编码' : ''}`
        case 'parser':
          return f.message
        case 'first-turn':
          return `第 ${n(f.turn)} 轮是第一条非系统消息`
        case 'same-role':
          return `第 ${n(f.first)} 轮和第 ${n(f.second)} 轮都是${role(f.role)}消息`
        case 'unanswered':
          return `第 ${n(f.turn)} 轮是用户消息，后面没有回复`
      }
    },
    parserSaid: '解析器报错：',
    preview: '预览',
    previewSplit: '数据划分',
    previewRow: (row: number) => `第 ${n(row)} 行`,
    page: (from: number, to: number, total: number) => `第 ${n(from)}–${n(to)} 条，共 ${n(total)} 条`,
    trainSplit: '训练所用划分',
    evalSplit: '测试 NLL 所用划分',
    evalHeldOut: '从训练划分中留出一部分',
    choose: '使用此数据集',
  },
  quickStart: {
    title: '不连服务器、不联网，现在就试试',
    text: '在内置沙箱（一个很小的 CPU 模型）上用示例数据集准备一次简短的训练，开始之前会在“确认”步骤列出全部设置。',
    button: '准备一次演示训练',
    phase: { sandbox: '正在启动沙箱…', dataset: '正在导入示例数据集…', tokenizer: '正在加载分词器…', lengths: '正在统计 token 长度…' },
  },
  files: {
    filterName: { dataset: '对话数据集', 'tokenizer-folder': '分词器文件夹', 'tokenizer-file': '分词器文件' },
    dialogTitle: {
      dataset: '选择对话数据集',
      'tokenizer-folder': '选择分词器文件夹',
      'tokenizer-file': '选择 tokenizer.json 或 tokenizer_config.json',
      'model-folder': '选择基础模型目录',
      'checkpoint-folder': '选择检查点目录',
    },
  },
  model: {
    title: '模型与聊天模板',
    intro: '每条对话都用模型自带的聊天模板渲染；只有模型需要学习的 token 才计入损失。',
    baseModel: '基础模型',
    noModels: '请先连接服务器：服务器能力信息中会列出可训练的模型。',
    tokenizer: '分词器',
    tokenizerLoading: '正在加载分词器…',
    tokenizerReady: (vocab: number) => `已加载 · 词表 ${n(vocab)} 个 token`,
    tokenizerFrom: (p: TokenizerProvenance): string =>
      p.origin === 'builtin'
        ? '随 TuFT Studio 提供'
        : p.origin === 'folder'
          ? `来自文件夹 ${p.from ?? ''}${p.at ? `，选择于 ${fmt.dateTime(p.at)}` : ''}`
          : p.origin === 'local-server'
            ? `来自本机 TuFT 服务器的模型文件夹 ${p.from ?? ''}`
            : `下载自 ${p.from ?? 'Hub'}${p.at ? `，时间 ${fmt.dateTime(p.at)}` : ''}`,
    tokenizerUseFolder: '使用本机上的分词器文件夹…',
    tokenizerFolderHelp: '包含 tokenizer.json 和 tokenizer_config.json 的文件夹，比如下载好的模型文件夹。检查通过后会为这个模型记住它（训练时也会使用）。',
    tokenizerFolderMissing: (missing: string) => `该文件夹中没有 ${missing}；请选择包含 tokenizer.json 和 tokenizer_config.json 的文件夹。`,
    tokenizerForget: '不再使用这个文件夹',
    trainOn: '训练目标',
    trainOnLabel: { 'all-assistant': '所有助手消息', 'last-assistant': '最后一条助手消息', all: '所有消息' },
    trainOnHelp: {
      'all-assistant': '指南的默认做法：学习每一条助手回复，从不学习提示词。',
      'last-assistant': '只有最后一条回复计入损失，前面的轮次仅作为上下文。',
      all: '每条消息都计入损失，包括用户消息（对话场景下通常不需要）。',
    },
    maxLength: '最大长度（token）',
    useSuggested: (len: number) => `改用 ${n(len)}（p95）`,
    conversation: '对话',
    legendTrained: '参与训练（权重 1）',
    legendContext: '上下文（权重 0）',
    legendCut: '超出最大长度被截断',
    tokenTitle: (index: number, id: number, weight: number) => `#${index} · id ${id} · 权重 ${weight}`,
    cutLabel: (len: number) => `最大长度 ${n(len)}`,
    cutMarker: (len: number) => `最大长度 ${n(len)}：此后的 token 将被丢弃`,
    pieceStats: (total: number, weighted: number) => `共 ${n(total)} 个 token · ${n(weighted)} 个参与训练`,
    skip: (reason: string) => `这条对话会被跳过：${reason}`,
    lengths: 'token 长度分布',
    lengthsAxis: 'token 数',
    lengthsTooltip: (from: number, to: number, count: number) => `${n(from)}–${n(to)} 个 token：${n(count)} 条对话`,
    lengthsComputing: '正在对该划分分词…',
    truncated: (share: number, len: number) => `${fmt.percent(share)} 的对话超过 ${n(len)} 个 token，训练时会被截断。`,
    lengthsBeyond: (len: number, longest: number) => `最大长度 ${n(len)} 超过了最长的对话（${n(longest)} 个 token），不会截断任何内容。`,
    previewRow: (row: number) => `#${n(row)}`,
    lengthStats: (p50: number, p95: number, max: number) => `中位数 ${n(p50)} · p95 ${n(p95)} · 最大 ${n(max)}`,
  },
  rankLr: {
    title: 'LoRA 秩与学习率',
    intro: '秩决定适配器的容量，学习率决定每次更新的步长。下面几组起点来自指南中的实验。',
    presets: {
      'strong-default': { name: '稳妥默认', text: '秩 32，学习率 1e-4：LoRA SFT 最常用的默认值，进展稳定，不易发散。' },
      faster: { name: '更快，但风险更高', text: '秩 32，学习率 1e-3：前期进展更快，但损失可能不稳定或过拟合。' },
      conservative: { name: '保守', text: '秩 32，学习率 5e-5：更慢也更稳，适合之前训练不稳定时尝试。' },
    },
    rank: 'LoRA 秩',
    lr: '学习率',
    lrInvalid: '请输入正数，例如 1e-4、5e-5 或 0.0001。',
    lrTooHigh: (max: number) => `不能大于 ${max}：步长再大会毁掉适配器。`,
    rankInvalid: '请输入不小于 1 的整数，例如 16。',
    atLeast: (min: number) => `不能小于 ${n(min)}`,
    presetValues: (rank: number, lr: string) => `秩 ${rank} · 学习率 ${lr}`,
    aboveMax: (max: number) => `超过服务器上限（${n(max)}）`,
    batchSize: '批大小（每步的对话数）',
    maxLength: '最大长度（token）',
    steps: '训练步数',
    evalEvery: '每隔 N 步计算测试 NLL',
    advice: {
      'lr-slow': (_v: AdviceValues) => '学习率不高于 1e-5 时收敛会慢得多（见指南图 1），需要多得多的步数。',
      'lr-unstable': (_v: AdviceValues) => '学习率不低于 1e-3 时前期学得快，但可能不稳定或过拟合。请留意测试 NLL，一旦回升就调低学习率。',
      'lr-far-low': (v: AdviceValues) =>
        `学习率 ${fmt.lr(v.lr)} 远低于指南试过的范围（1e-5 就已经很慢）：适配器几乎学不到东西。除非有明确理由，请用 1e-4。`,
      'lr-far-high': (v: AdviceValues) =>
        `学习率 ${fmt.lr(v.lr)} 远高于指南试过的范围（1e-3 就已有风险）：损失很可能发散。请用 1e-4，最多 1e-3。`,
      'rank-above-max': (v: AdviceValues) => `秩 ${v.rank} 超过了该服务器的上限（${v.max}），请选择 ${v.max} 或更小的值。`,
      'rank-harder-task': (v: AdviceValues) =>
        `秩 ${v.rank} 高于指南的默认值 ${v.moderate}，而提高秩的收益递减：任务更难时，先增加训练步数，再考虑提高秩。`,
    },
    blocked: {
      fields: '请先改正标出的字段，再继续。',
      rank: (max: number) => `请选择不大于 ${n(max)} 的秩，再继续。`,
      sweepEmpty: '网格搜索至少要选一个秩和一个学习率。',
      sweepRank: (max: number) => `请去掉网格搜索中超过服务器上限（${n(max)}）的秩，再继续。`,
    },
    sweepActive: '已选择网格搜索：下面勾选的每个“秩 × 学习率”组合都会训练一次，这里的单个秩和学习率不会使用。',
    sweepAddRank: '添加秩',
    sweepAddLr: '添加学习率',
    sweepAdd: '添加',
    sweepDuplicate: '网格中已有这个值。',
    sweepFull: (max: number) => `最多 ${n(max)} 个值。`,
    sweepFar: '远超指南试过的范围',
    sweep: '改为网格搜索',
    sweepHelp: '对每个“秩 × 学习率”组合各训练一次（与指南中的图表做法相同），最后给出推荐组合。',
    sweepRanks: '秩',
    sweepLrs: '学习率',
    sweepCells: (count: number) => `共 ${n(count)} 次训练`,
  },
  review: {
    title: '确认配置并开始',
    config: '配置',
    tokensPerStep: '每步 token 数',
    stepsPerEpoch: '每轮步数',
    epochs: '轮数（epoch）',
    estimatedTime: '预计用时',
    estimatedUnknown: '将在最初几步中测得',
    start: '开始训练',
    startSweep: '开始网格搜索',
    starting: '启动中…',
    sandboxServer: (url: string) => `${url}（本地沙箱）`,
    splitRows: (split: string, rows: number) => `${split}（${n(rows)} 条）`,
    lrFar: (lr: string) => `学习率 ${lr} 远超指南试过的范围（1e-5 到 1e-3）。`,
    sweepSummary: (ranks: readonly number[], lrs: readonly string[]) =>
      `秩 ${fmt.list(ranks.map(String))} × 学习率 ${fmt.list(lrs)}（共 ${n(ranks.length * lrs.length)} 次训练）`,
    fields: {
      server: '服务器',
      model: '基础模型',
      dataset: '数据集',
      split: '训练划分',
      evalSplit: '测试划分',
      trainOn: '训练目标',
      rank: 'LoRA 秩',
      lr: '学习率',
      batchSize: '批大小',
      maxLength: '最大长度',
      steps: '训练步数',
      evalEvery: '评估间隔（步）',
      sweep: '网格搜索',
    },
  },
  train: {
    title: '训练',
    phaseLabel: {
      connecting: '连接',
      tokenizing: '分词',
      'creating-run': '创建训练运行',
      training: '训练',
      saving: '保存',
      done: '完成',
      error: '出错',
      stopped: '已停止',
      paused: '已暂停',
    },
    stepOf: (s: number, total: number) => `第 ${n(s)} 步，共 ${n(total)} 步`,
    eta: (duration: string) => `预计剩余 ${duration}`,
    throughput: (tokensPerS: string) => `${tokensPerS} token/秒`,
    tokensPerS: 'token/秒',
    pause: '暂停',
    resume: '继续训练',
    stop: '停止并保存',
    cancelRun: '取消训练',
    trainNll: '训练 NLL',
    trainNllSmoothed: '训练 NLL（平滑后）',
    testNll: '测试 NLL',
    gradNorm: '梯度范数',
    learningRate: '学习率',
    logAxis: '对数坐标',
    raw: '原始曲线',
    smoothing: '平滑系数',
    points: (train: number, test: number) => `训练 ${n(train)} 个点 · 测试 ${n(test)} 个点`,
    waiting: '等待第一步…',
    done: '训练完成。微调后的权重已保存，可用于采样。',
    openPlayground: '去试验场试试',
    openHistory: '查看运行记录',
    newRun: '再训练一次',
    lastNll: (train: string, test: string) => `训练 ${train} · 测试 ${test}`,
    sweepProgress: '网格搜索进度',
    sweepCellsDone: (done: number, total: number) => `已完成 ${n(done)} / ${n(total)} 次训练`,
    sweepSteps: (done: number, total: number | null) => (total === null ? `${n(done)} 步` : `${n(done)} / ${n(total)} 步`),
  },
  hint: {
    applyMirror: (endpoint: string) => `改用 ${endpoint} 并重试`,
    useSandbox: '使用本地沙箱',
    openSettings: '打开设置',
    retry: '重试',
    resume: '继续这次训练',
    lowerLr: (lr: string | null) => (lr ? `以学习率 ${lr} 继续训练` : '调低学习率后继续训练'),
    lowerRank: (r: number) => `改用秩 ${r}`,
    useNextPort: (port: number) => `改用端口 ${port}`,
    lowerMaxModelLen: (len: string) => `把 max_model_len 调低到 ${len}`,
    editLocalServer: (field: LocalServerField | null) =>
      field === 'model_path' ? '换一个模型目录' : field === 'tensor_parallel_size' ? '使用更多 GPU（tensor_parallel_size）' : field ? `修改 ${field}` : '修改配置',
    oomTry: (v: { maxLength: number; batchSize: number; rank: number }) =>
      `请依次尝试：最大长度 ${n(v.maxLength)}，然后批大小 ${n(v.batchSize)}，最后秩 ${v.rank}。`,
    oomApply: (what: 'maxLength' | 'batchSize' | 'rank', value: number) =>
      `以${what === 'maxLength' ? '最大长度' : what === 'batchSize' ? '批大小' : '秩'} ${n(value)} 继续训练`,
    whatHappened: '发生了什么',
    why: '原因',
    fix: '解决办法',
    sdkNote: '导出的 Python 脚本会读取 TINKER_API_KEY；在部分 Tinker SDK 版本中，它会覆盖代码里传入的密钥。',
    serverSaid: '服务器返回：',
    serverReplied: (status: number | null) => (status === null ? '服务器返回：' : `服务器返回 HTTP ${status}：`),
    systemSaid: '原始报错：',
    dataset: {
      noUsableRows: (name: string, reasons: string, example: string | null) => `${name} 中没有可用的行：${reasons}。${example ? `例如 ${example}。` : ''}`,
      reasonCount: (reason: string, count: number) => `${reason}（${n(count)} 行）`,
      example: (split: string, row: number, fact: string) => `${split} 第 ${n(row)} 行：${fact}`,
      formatUnknown: (fields: string) => `没有一行带有 messages 列表、ShareGPT 的 conversations 字段或 Alpaca 的 instruction/output 字段（见到的字段：${fields}）。`,
      notUtf8: (file: string, encoding: string) => `${file} 是 ${encoding} 编码的文本，TuFT Studio 只读取 UTF-8。`,
      tooLarge: (file: string, limit: string) => `${file} 超过了 ${limit} 的上传上限。`,
      parquetCorrupt: (file: string) => `${file} 不是可读的 parquet 文件（文件被截断或已损坏）。`,
    },
    tokenizer: {
      missingFiles: (dir: string | null, files: readonly string[]) =>
        dir ? `${dir} 中缺少 ${files.join('、')}（分词器文件夹需要这两个文件）。` : `分词器需要 tokenizer.json 和 tokenizer_config.json 两个文件，缺少 ${files.join('、')}。`,
      builtinMissing: '安装包中缺少内置分词器文件（resources/tokenizers）。',
      notHubId: (modelId: string, folderAllowed: boolean) =>
        folderAllowed
          ? `${modelId} 既不是分词器文件夹，也不是 Hub 上的模型 ID（owner/name）。`
          : `${modelId} 不是 Hub 上的模型 ID（owner/name），无法下载它的分词器；请为它选择本机上的分词器文件夹。`,
      invalid: (dir: string) => `无法加载 ${dir} 中的分词器。`,
      noTemplate: (of: string) => `${of} 的分词器在 tokenizer_config.json 中没有 chat_template。`,
      templateFailed: (modelId: string) => `${modelId} 的聊天模板渲染失败。`,
      workerCouldNotStart: '分词线程无法启动。',
      workersCrashed: (crashes: number) => `分词线程已崩溃 ${n(crashes)} 次，分词已停止。`,
      encoderStopped: '分词器的编码线程已停止。',
    },
    localServer: {
      notInstalled: (tuftBin: string | null) =>
        tuftBin ? `TUFT_BIN 设置为 ${tuftBin}，但它不是可执行文件。` : 'PATH 中没有 tuft 可执行文件，PATH 中的 Python 也无法导入 tuft 包。',
      couldNotRun: (command: string) => `无法运行 ${command}。`,
      alreadyStarting: '已有一个本地 TuFT 服务器正在启动。',
      alreadyRunning: (url: string, pid: number) => `已有一个本地 TuFT 服务器在 ${url} 运行（PID ${pid}）。`,
      notRunning: '当前没有运行中的本地 TuFT 服务器。',
      portTaken: (host: string, port: number, likeTuft: boolean) => `${host} 上的端口 ${port} 已被占用${likeTuft ? '，占用它的服务器看起来就是 TuFT' : ''}。`,
      portPrivileged: (port: number) => `在这个系统上使用端口 ${port} 需要管理员权限；请换一个大于 1023 的端口。`,
      exited: (exitCode: number | null, signal: string | null) =>
        signal ? `TuFT 在响应之前被 ${signal} 终止了。` : `TuFT 在响应之前退出了，退出码 ${exitCode ?? '?'}。`,
      fatal: 'TuFT 启动时报告了致命错误。',
      cancelled: 'TuFT 启动期间已取消，进程已停止。',
      timedOut: (url: string, seconds: number) => `TuFT 在 ${n(seconds)} 秒内没有响应 ${url}，已被停止。`,
      folder: {
        notAFolder: (folder: string) => `${folder} 不是可读取的文件夹。`,
        missingConfig: '缺少 config.json：TuFT 和 transformers 需要它来构建模型。',
        missing: (file: string) => `缺少 ${file}。`,
        notJson: (file: string) => `${file} 不是有效的 JSON。`,
        notObject: (file: string) => `${file} 的内容不是 JSON 对象。`,
        badShardName: 'model.safetensors.index.json 中列出的某个分片不是 *.safetensors 文件名。',
        missingShard: (file: string) => `model.safetensors.index.json 中列出了 ${file}，但文件夹里没有这个文件。`,
        badHeader: (file: string) => `${file} 的 safetensors 头无法读取（文件被截断、已损坏，或者不是 safetensors 文件）。`,
        binOnly: '文件夹中只有 pytorch_model*.bin 权重；请把模型另存为 *.safetensors（TuFT Studio 启动前会检查 safetensors 头）。',
        noWeights: '文件夹中没有 *.safetensors 权重文件。',
        duplicateName: (name: string) => `模型名称不能重复；“${name}”用了两次。`,
        colocateSeveral: '只有一个模型时，才能让训练和采样共用一块 GPU（colocate）。',
        colocateTensorParallel: '训练和采样共用 GPU（colocate）时，tensor_parallel_size 必须为 1。',
        maxModelLenTooLong: (name: string, len: number, context: number) => `${name}：max_model_len ${n(len)} 超过了模型自身的上下文长度（${n(context)}）。`,
        inFolder: (folder: string, problem: string) => `${folder}：${problem}`,
        noChatTemplate: '分词器没有聊天模板：对话微调和 OpenAI 兼容的对话接口都需要它（请使用 instruct/chat 版本的模型）。',
      },
    },
    says: {
      'sandbox-not-running': () => '本地沙箱没有运行：请先启动它，它的密钥在启动时生成。',
      'no-folder-picker': () => '只有桌面应用才有文件夹选择器：请直接输入文件夹路径。',
      'no-file-dialog': () => '这个窗口没有应用自己的文件对话框：请在页面中选择文件，页面会把它上传。',
      'sweep-not-here': () => '这个网格搜索没有在当前窗口中运行。',
      'choose-a-run': () => '请至少选择一个训练运行。',
      'no-held-out-prompt': (f) => `训练运行“${f.name}”没有带助手回复的留出对话，无法用来生成提示。`,
      'run-active-delete': () => '请先停止或取消这个训练运行，再删除它。',
      'sweep-empty': () => '网格搜索至少需要一个秩和一个学习率。',
      'sweep-concurrency': () => '网格搜索的并发数必须是正整数。',
      'run-active-cleanup': () => '请等训练运行结束（或先停止它），再清理它的检查点。',
      'run-server-unreachable': (f) => `无法连接训练运行“${f.name}”所用的服务器。`,
      'run-already-running': () => '这个训练运行已经在当前窗口中运行。',
      'no-sandbox': () => '当前进程中没有可用的内置沙箱。',
      'no-sampler-path': () => '服务器没有返回采样权重的路径。',
      'no-sampler-checkpoint': (f) => `训练运行“${f.name}”没有采样检查点 ${f.path}。`,
      'no-sequence': () => '服务器没有返回任何序列。',
      'no-data-yet': (f) => `训练运行“${f.name}”还没有准备好数据，没有可导出的内容。`,
      'runner-stopped': () => '这个训练运行在训练过程中，运行它的进程停止了。',
      'archive-download-failed': (f) => `下载检查点压缩包失败（${f.status}）。`,
    } satisfies Record<string, (f: { name: string; path: string; status: string }) => string>,
    runNameTaken: (name: string) => `已有另一个训练运行叫“${name}”。`,
    diverged: (step: number, trainNll: number | null, reference: number | null) =>
      `第 ${n(step)} 步的训练 NLL ${trainNll === null ? '变成了 NaN（不再是有限值）' : `升到了 ${trainNll.toFixed(3)}`}${reference !== null ? `（开始时为 ${reference.toFixed(3)}）` : ''}。`,
    uploadIncomplete: (file: string) => `${file} 没有上传完成。`,
    cancelled: '已取消。',
    badInput: (fields: string) => `以下字段的取值不符合要求：${fields}。`,
    fieldInvalid: '这个值不符合要求。',
    dataFile: {
      missing: (file: string) => `找不到文件：${file}。`,
      noFolder: (folder: string) => `找不到文件夹：${folder}。`,
      unreadable: (file: string) => `无法读取 ${file}。`,
      empty: (file: string) => `${file} 是空文件（0 字节）。`,
      noDataFiles: (folder: string) => `${folder} 中没有 .jsonl、.json 或 .parquet 文件。`,
      notJson: (file: string) => `${file} 不是有效的 JSON。`,
      bundledMissing: '安装包中缺少内置示例数据集（resources/datasets/sample-chat.jsonl）。',
      notAFile: (file: string, is: 'folder' | 'pipe' | 'socket' | 'special') =>
        `${file} 是${{ folder: '文件夹', pipe: '管道', socket: '套接字', special: '设备或特殊文件' }[is]}，不是数据文件。`,
      notAFolder: (file: string) => `${file} 不是文件夹。`,
      grantExpired: '之前选择的文件已不可用，请重新选择。',
    },
    datasetNotCached: (name: string) => `本地存储中没有名为“${name}”的数据集，请先导入。`,
    tokenizedGone: '读取分词结果时，它已被删除（数据集被删除或重新导入了）；请重新分词。',
    noSplit: (name: string, split: string, splits: string | null) => `数据集“${name}”中没有划分“${split}”${splits ? `（现有划分：${splits}）` : ''}。`,
    noSplits: (name: string) => `数据集“${name}”中没有任何划分。`,
    noTargetTokens: (name: string, split: string, maxLength: number) => `在最大长度 ${n(maxLength)} 下，${name}/${split} 中没有一条对话含有计入损失的目标 token。`,
    runControl: (name: string, status: string, action: 'paused' | 'continued' | 'stopped' | 'cancelled') =>
      `训练运行“${name}”当前状态为“${status}”，现在无法${{ paused: '暂停', continued: '继续', stopped: '停止', cancelled: '取消' }[action]}。`,
    notResumable: (status: string) => `这个训练运行的状态是“${status}”；只有已中断、失败、已停止或已暂停的运行才能继续训练。`,
    modelNotServed: (model: string, served: string) => `服务器不提供 ${model}（它提供的是 ${served}）。`,
    noModelsServed: '服务器没有列出任何支持的模型。',
    rankTooHigh: (rank: number, max: number, model: string | null) => `LoRA 秩 ${rank} 超过了服务器${model ? `为 ${model} ` : ''}允许的上限 ${max}。`,
    maxLengthTooLong: (maxLength: number, context: number) => `最大长度 ${n(maxLength)} 超过了模型的上下文长度 ${n(context)} 个 token。`,
    sandboxPort: (port: number, privileged: boolean) => `本地沙箱无法监听 127.0.0.1:${port}：${privileged ? '没有权限' : '该端口已被其他程序占用'}。`,
    datasetNameTaken: (name: string, fromHub: boolean, source: string) =>
      `已有名为“${name}”的数据集（来自${fromHub ? ' Hub 上的 ' : '文件 '}${source}）；请换一个名称，或先删除它。`,
    notWantedFile: (file: string | null, wanted: string) => (file ? `${file} 不是 ${wanted} 文件。` : `请选择 ${wanted} 文件。`),
    mustBeFile: (wanted: string) => `必须是 ${wanted} 文件`,
    hub: {
      unreachable: (url: string, reason: string | null) => (reason ? `无法连接 ${url}：${reason}。` : `无法连接 ${url}。`),
      timedOut: (url: string) => `${url} 没有在限定时间内响应。`,
      interrupted: (url: string) => `从 ${url} 下载时连接中断。`,
      status: (url: string, status: number) => `${url} 返回了 HTTP ${status}。`,
      badReply: (url: string) => `${url} 返回的内容不是 Hugging Face Hub 的格式。`,
      reasons: {
        ENETUNREACH: '网络不可达',
        EHOSTUNREACH: '主机不可达',
        ENETDOWN: '网络已断开',
        ENOTFOUND: 'DNS 解析失败',
        EAI_AGAIN: 'DNS 解析暂时失败',
        EAI_FAIL: 'DNS 解析失败',
        ECONNREFUSED: '连接被拒绝',
        ECONNRESET: '连接被重置',
        EPIPE: '连接已被关闭',
        CERT_HAS_EXPIRED: 'TLS 证书已过期',
        UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS 证书无法验证',
        SELF_SIGNED_CERT_IN_CHAIN: 'TLS 证书无法验证',
      } as Record<string, string>,
    },
    keyRejected: (server: string | null, masked: string | null): string =>
      `${server ? `服务器 ${server} ` : '服务器'}拒绝了${masked ? `末尾为 ${masked} 的密钥` : '发送的密钥'}。`,
    keyMissing: (server: string | null) => `${server ? `服务器 ${server} ` : '服务器'}需要 API 密钥，但请求没有发送密钥。`,
    keySentFact: (source: string, masked: string | null): string =>
      source === 'settings'
        ? `发送的是 ${masked ?? ''}：TuFT Studio 设置中保存的密钥。`
        : source === 'TINKER_API_KEY'
          ? `发送的是 ${masked ?? ''}：来自环境变量 TINKER_API_KEY（应用中未保存密钥）。`
          : source === 'sandbox'
            ? `发送的是 ${masked ?? ''}：本地沙箱自带的密钥。`
            : source === 'local-server'
              ? `发送的是 ${masked ?? ''}：为本机启动的 TuFT 服务器生成的密钥。`
              : '没有发送密钥：应用中未保存密钥，也没有设置 TINKER_API_KEY。',
    envFact: (set: boolean, differs: boolean, masked: string | null): string =>
      !set ? '没有设置 TINKER_API_KEY。' : differs ? `TINKER_API_KEY 是 ${masked ?? ''}，和已保存的密钥不同；两者都有时以已保存的密钥为准。` : `TINKER_API_KEY 是 ${masked ?? ''}，和已保存的密钥相同。`,
    keyFix: (source: string, envDiffers: boolean): string =>
      source === 'settings'
        ? envDiffers
          ? '填入正确的密钥后重新测试；或者在“设置 → API 密钥”中清除已保存的密钥，改为发送 TINKER_API_KEY。'
          : '对照服务器接受的密钥核对末尾几位，然后填入正确的密钥重新测试。'
        : source === 'TINKER_API_KEY'
          ? '填入正确的密钥（它会被保存，并代替 TINKER_API_KEY 发送）；或者改正 TINKER_API_KEY 后重启 TuFT Studio。'
          : '填入服务器的 API 密钥后重新测试；或者在启动 TuFT Studio 之前设置 TINKER_API_KEY。',
    hubTried: (endpoint: string) => `已尝试：${endpoint}。`,
    hubMirrorFailedToo: (endpoint: string) => `镜像 ${endpoint} 同样无法访问。`,
    hubAlsoFailed: (list: string) => `最近几分钟内同样失败的还有：${list}。`,
    hubViaProxy: (proxy: string, variable: string) => `请求经过了代理 ${proxy}（${variable}）；请确认该代理能访问这个端点。`,
    hubNoProxy: '当前没有设置代理。如果你的网络需要代理，请在启动 TuFT Studio 前设置 HTTPS_PROXY=http://host:port（NO_PROXY 中列出的主机会直接访问）。',
    hubAllMirrorsTried: 'TuFT Studio 已知的镜像都试过了。可以在“Hub 端点”中填写其他镜像，或者不经过 Hub 继续：',
    hubOffline: '也可以不经过 Hub 继续：',
    useSample: '使用示例数据集',
    chooseFile: '导入本机文件…',
    anotherMirror: '填写其他镜像',
    useTokenizerFolder: '使用本机上的分词器文件夹…',
  },
  history: {
    title: '运行记录',
    empty: '还没有训练记录。点击“新建训练”开始第一次训练。',
    cols: { select: '选择', name: '名称', status: '状态', model: '模型', rank: '秩', lr: '学习率', steps: '步数', train: '训练 NLL', test: '测试 NLL', created: '创建时间' },
    selectRun: (name: string) => `选择 ${name} 参与对比`,
    compareSelected: (count: number) => `对比所选的 ${n(count)} 次训练`,
    sweeps: '网格搜索',
    compareSweep: '对比这组网格搜索',
    recommended: '推荐',
    open: '打开',
    confirmDelete: (name: string) => `删除训练运行“${name}”及其曲线？服务器上的检查点不受影响。`,
    renamePrompt: '新名称',
    status: {
      queued: '排队中',
      running: '运行中',
      paused: '已暂停',
      completed: '已完成',
      stopped: '已停止',
      cancelled: '已取消',
      failed: '失败',
      interrupted: '已中断',
    } satisfies Record<RunStatus, string>,
  },
  run: {
    exportPng: '导出 PNG',
    exportCsv: '导出 CSV',
    exportConfig: '导出配置',
    exportPython: '导出 Python 脚本',
    resume: '继续训练',
    checkpoints: '检查点',
    config: '配置',
    pngSubtitle: (when: string) => `TuFT Studio · 导出于 ${when}`,
  },
  resumeHistory: {
    title: '继续训练时改过的参数',
    steps: '步数',
    range: (from: number, to: number): string => (to < from ? `从第 ${n(from)} 步起` : `${n(from)}–${n(to)}`),
    params: { batchSize: '批大小', maxLength: '最大长度', learningRate: '学习率', rank: 'LoRA 秩' } satisfies Record<ResumableParam, string>,
    was: (value: string) => `（原为 ${value}）`,
    resumed: (step: number, when: string, what: string) => `从第 ${n(step)} 步继续 · ${when}：${what}`,
    noChange: '参数未改动',
    change: (param: string, from: string, to: string) => `${param} ${from} → ${to}`,
    forked: '这次训练运行来自另一次训练：它以不同的秩继续训练（已保存的 LoRA 权重无法更改秩）。',
    openSource: '打开原来的训练运行',
  },
  compare: {
    title: '对比训练',
    intro: '所选训练的训练 NLL（平滑后）与测试 NLL，对应指南中的图 1 和图 2。',
    none: '请在运行记录中勾选几次训练（或选择一组网格搜索）进行对比。',
    trainTitle: '训练平均 NLL',
    testTitle: '测试 NLL',
    recommended: (reason: string) => `推荐：${reason}`,
    cell: (rank: number, lr: string) => `秩 ${rank} · 学习率 ${lr}`,
    namedCell: (name: string, rank: number, lr: string) => `${name}（秩 ${rank} · 学习率 ${lr}）`,
  },
  playground: {
    title: '试验场',
    intro: '用同一个提示词分别对基础模型和微调后的权重采样，并排比较。',
    sandboxNote: '在本地沙箱上训练的结果来自一个很小的 CPU 模型：文本只用来演示流程，回答本身没有意义。',
    run: '训练运行',
    runOption: (name: string, rank: number, lr: string) => `${name} — 秩 ${rank}，学习率 ${lr}`,
    noRuns: '请先完成一次训练：试验场会从它保存的权重采样。',
    system: '系统提示词（可选）',
    prompt: '提示词',
    maxTokens: '最大 token 数',
    temperature: '温度',
    sample: '同时采样',
    sampling: '采样中…',
    base: '基础模型',
    tuned: '微调后',
    stopReason: { stop: '遇到结束 token 停止', length: '达到最大 token 数' },
    tokens: (count: number, stop: string) => `${n(count)} 个 token · ${stop}`,
  },
  settings: {
    title: '设置',
    servers: '服务器',
    active: '当前使用',
    makeActive: '使用',
    addServer: '添加服务器',
    serverPlaceholder: 'http://gpu-box:10610',
    noServers: (active: string | null) =>
      `没有保存的服务器。${active === 'sandbox' ? '训练使用本地沙箱。' : active ? `训练使用 ${active}。` : '训练使用自动发现的服务器（TUFT_ADDRESS、TINKER_BASE_URL、~/.tuft 或 127.0.0.1:10610）。'}`,
    remove: '移除',
    keys: 'API 密钥',
    setKey: '保存密钥',
    clearKey: '清除已保存的密钥',
    hub: 'Hugging Face',
    endpoint: '端点',
    hfToken: (set: boolean) => (set ? '已设置 HF_TOKEN（用于需要授权访问的数据集）。' : '未设置 HF_TOKEN（只有需要授权访问的数据集才用得到）。'),
    cache: '缓存',
    location: '位置',
    size: '大小',
    clearDownloads: '清除下载文件',
    clearAll: '清除全部缓存数据',
    confirmClearAll: '删除所有已导入的数据集、分词缓存和下载文件？服务器上的训练不受影响。',
    parts: { database: '数据库', downloads: '下载文件', blobs: '二进制数据', sandbox: '沙箱数据' },
    language: '语言',
    languageHelp: '切换后立即生效，并会记住你的选择。',
    sandbox: '本地沙箱',
    sandboxPort: '固定端口',
    sandboxPortPlaceholder: '任意空闲端口',
    sandboxPortHelp: '留空则每次启动时由系统选择空闲端口。固定端口后，脚本和 tinker SDK 可以用固定地址访问沙箱；从沙箱下次启动时生效。',
    sandboxPortInvalid: (min: number) => `请输入 ${min} 到 65535 之间的整数，或者留空。`,
    sandboxPortFlag: (port: number) => `本次启动使用了 npm run serve -- --sandbox-port ${port}，它优先于这里的设置。`,
    wizard: '首次运行向导',
    showWizard: '下次启动时打开向导',
  },
  sftOrRl: {
    title: 'SFT 还是 RL？',
    intro: '出自 TuFT 的 chat-SFT 指南。简单说：监督微调（SFT）让模型模仿示范答案，强化学习（RL）让模型去优化一个奖励信号。',
    head: { topic: '对比项', sft: 'SFT（监督微调）', rl: 'RL（强化学习）' },
    rows: [
      { topic: '学习信号', sft: '示范数据：每个输入都配有目标回复', rl: '奖励或偏好：一个分数，或对多个回答的排序' },
      { topic: '擅长什么', sft: '风格、输出格式、指令遵循，以及从精选答案中学到的领域行为', rl: '让行为符合偏好或约束、落实安全策略、在多个目标之间权衡' },
      { topic: '需要的数据', sft: '高质量的助手回复', rl: '奖励模型、偏好对，或者一个评估器' },
      { topic: '在流程中的位置', sft: '通常是第一阶段', rl: '通常在 SFT 之后（先 SFT，再 RL）' },
      { topic: '举个例子', sft: '输入输出对，比如提示“把这段话改写成一封礼貌的邮件……”，目标是“尊敬的……此致敬礼”', rl: '由 LLM 充当评委，对回答 A 和 B 打分或排序' },
    ],
    rulesTitle: '怎么选',
    rules: [
      { term: 'SFT', text: '手上有高质量的“标准答案”，希望模型照着学出明确的目标输出时，用 SFT。' },
      { term: 'RL', text: '没有唯一正确的答案，但能用奖励或偏好说清楚什么是“更好”（有用性、安全性、风格、格式或工具调用方式）时，用 RL。' },
    ],
    back: '返回向导',
  },
  localServer: {
    title: '启动本地 TuFT 服务器',
    detected: (how: string) => `已找到 TuFT：${how}`,
    notDetected: '本机没有安装 TuFT。',
    modelFolder: '基础模型目录',
    addModel: '再添加一个模型',
    modelFacts: (arch: string, params: string, ctx: string) => `${arch} · ${params} 参数 · 上下文 ${ctx}`,
    modelName: '客户端使用的名称（base_model）',
    maxModelLen: 'max_model_len',
    maxLoraRank: 'max_lora_rank',
    tensorParallel: '每个模型使用的 GPU 数（tensor_parallel_size）',
    backend: '训练后端',
    colocate: '训练和采样共用一块 GPU（colocate）',
    checkpointDir: '检查点目录',
    port: '端口',
    host: '允许访问的范围',
    hostLocal: '仅本机（127.0.0.1）',
    hostAll: '也允许其他机器（0.0.0.0）',
    persistence: '重启后保留训练记录',
    keepRunning: '退出 TuFT Studio 时保持服务器运行',
    review: 'tuft_config.yaml（已隐藏 API 密钥）',
    start: '启动服务器',
    stop: '停止服务器',
    starting: '正在启动 TuFT…',
    phases: { checking: '检查中', 'writing-config': '写入配置', starting: '启动中', loading: '加载模型', ready: '已就绪' } as Record<string, string>,
    running: (url: string) => `运行于 ${url}`,
    log: '服务器日志',
    logSearch: '搜索日志',
    copyLog: '复制日志',
    useIt: '连接到它',
    intro: '用本机目录里的基础模型启动 TuFT 服务器。TuFT Studio 会写好 tuft_config.yaml、启动 TuFT、跟踪它的日志，并在你需要时停止服务器。',
    detecting: '正在查找本机的 TuFT…',
    setUp: '配置服务器…',
    hide: '收起',
    browse: '选择…',
    modelFolderHelp: '包含 config.json、tokenizer.json、tokenizer_config.json 和 *.safetensors 的目录（例如用 huggingface-cli 下载到本地的目录）。这里只读取配置和文件头，不会加载权重。',
    modelFolderPlaceholder: '/data/models/Qwen3-4B-Instruct-2507',
    checking: '正在检查目录…',
    folderOk: '文件齐全，TuFT 可以加载',
    weightFacts: (size: string, dtype: string | null, files: number) => `权重共 ${size}${dtype ? `（${dtype}）` : ''}，${n(files)} 个文件`,
    parametersEstimated: '根据 config.json 估算',
    unknown: '未知',
    removeModel: '移除',
    maxModelLenHelp: (ctx: string) => `模型自身的上下文长度为 ${ctx}。max_model_len 越大，KV 缓存占用的显存越多。`,
    maxLoraRankHelp: '训练时允许使用的最大 LoRA 秩（向导默认从 32 开始）。',
    backendHf: 'hf（单卡）',
    backendFsdp: 'fsdp（多卡）',
    fsdpGpus: 'fsdp 训练使用的 GPU 数',
    checkpointDirHelp: 'TuFT 保存检查点的位置。留空则使用 TuFT 的默认目录 ~/.tuft/checkpoints。',
    keysNote: '会为服务器生成一个 TuFT 格式（tml-…）的 API 密钥，和其他密钥一样加密保存，由 TuFT Studio 代为发送。明文只写进 tuft_config.yaml，而这个文件只有你自己能读。',
    preview: '检查配置',
    edit: '修改',
    planCommand: '启动命令',
    planConfigPath: '配置文件',
    planLog: '日志文件',
    planCheckpoints: '检查点目录',
    planUrl: '地址',
    planProblems: '启动前请先解决以下问题：',
    state: { stopped: '已停止', starting: '启动中', running: '运行中', unhealthy: '无响应', exited: '进程已退出', stopping: '正在停止' } as Record<string, string>,
    pid: (pid: number) => `进程号 ${pid}`,
    startedAt: (when: string) => `启动于 ${when}`,
    servedModels: '模型',
    exitedNote: '服务器进程已经退出。可以重新启动，或查看它的日志。',
    unhealthyNote: '进程在运行，但 /api/v1/healthz 还没有响应。',
    failedLine: '说明原因的日志行',
    loadingFor: (elapsed: string, limit: string) => `已用 ${elapsed}，最多等待 ${limit}`,
    logEmpty: '还没有日志。',
    logFollow: '自动滚动到末尾',
    logShown: (shown: number, total: number) => `显示 ${n(shown)} / ${n(total)} 行`,
    copied: '已复制',
    connected: (url: string) => `TuFT Studio 现在使用 ${url}。`,
    liveTitle: '本机的 TuFT 服务器',
  },
  serverBrowser: {
    title: '服务器上的内容',
    intro: '这个 API 密钥在服务器上拥有的训练任务和检查点，包括不是从 TuFT Studio 启动的训练。',
    empty: '这个密钥在服务器上还没有训练任务。',
    localRun: '在运行记录中打开',
    notFromApp: '不是从 TuFT Studio 启动的',
    size: '大小',
    expires: '过期时间',
    never: '永不过期',
    publish: '发布',
    unpublish: '取消发布',
    delete: '删除检查点',
    confirmDelete: (path: string) => `要从服务器上删除 ${path} 吗？此操作无法撤销。`,
    refresh: '刷新',
    server: (url: string) => `服务器 ${url}`,
    cols: { run: '训练运行', baseModel: '基础模型', rank: '秩', lastRequest: '最近请求', local: 'TuFT Studio 中', checkpoint: '检查点', type: '类型', saved: '保存时间', step: '步', actions: '操作' },
    checkpointType: { training: '训练状态（权重 + 优化器）', sampler: '采样权重' } as Record<string, string>,
    showCheckpoints: '检查点',
    hideCheckpoints: '收起检查点',
    noCheckpoints: '这次训练运行没有检查点。',
    corrupted: '已损坏',
    public: '已公开',
    owner: (owner: string) => `所有者 ${owner}`,
    step: (step: number) => `第 ${n(step)} 步`,
    useModel: '使用这个模型',
    unloadedTitle: '服务器已不再保留的已结束训练',
    unloadedIntro:
      '训练运行结束时，TuFT Studio 会卸载它的模型，TuFT 随即释放显存，并把它从训练运行列表中移除。它的检查点仍保存在服务器磁盘上，这里按本地记录列出：采样权重仍然可以对话；如果服务器就在本机，仍可复制适配器。发布和删除需要服务器仍列出这次训练运行，因此这里不提供这两项操作。',
    unloaded: '未加载',
    fromHistory: '来自本地记录',
  },
  useModel: {
    title: '使用这个模型',
    path: '采样器路径',
    copy: '复制',
    keyNote: (env: string) => `示例代码从 ${env} 读取 API 密钥，不会把密钥写进代码。`,
    tabs: { curl: 'curl', pythonOpenai: 'Python（openai）', nodeOpenai: 'Node（openai）', pythonTinker: 'tinker SDK' },
    samplePrompt: '写一首关于微调的俳句。',
    tryIt: '试一试',
    trying: '正在询问模型…',
    download: '下载适配器',
    downloaded: (dir: string) => `已保存到 ${dir}`,
    onServer: (where: string) => `权重保存在服务器上：${where}。`,
    checkpoint: '检查点',
    checkpointOption: (name: string, step: number) => `${name}（第 ${n(step)} 步）`,
    noSampler: '这次训练运行还没有采样检查点；训练结束时会保存一个。',
    endpoint: 'OpenAI 兼容端点',
    copied: '已复制',
    message: '消息',
    reply: '回复',
    replyMeta: (latency: string, tokens: number | null) => (tokens === null ? latency : `${latency} · ${n(tokens)} 个 token`),
    downloading: '正在复制适配器…',
    notListed: '服务器已不再列出这次训练运行，无法提供适配器下载，而它的检查点目录也不在本机。文件仍在服务器的检查点目录里。',
    localKeyAt: (file: string) => `这个服务器由 TuFT Studio 启动，它的 API 密钥写在 ${file} 的 authorized_users 下（只有你能读取）。`,
    hide: '收起',
  },
  judge: {
    evalSet: (p: { source: 'split' | 'held-out' | 'none'; conversations: number; of: number; fraction: number | null; split?: string | null }): string =>
      p.source === 'none'
        ? '不计算测试 NLL（没有留出对话）'
        : p.source === 'split'
          ? `测试 NLL 基于 ${p.split ?? 'test'} 划分中的 ${n(p.conversations)} 条对话（共 ${n(p.of)} 条）`
          : `测试 NLL 基于 ${n(p.conversations)} 条留出对话（${n(p.of)} 条中的 ${fmt.percent(p.fraction ?? 0)}）`,
    evalTooSmall: '数量太少，不足为凭：少于 20 条对话或 5,000 个助手 token 时，测试 NLL 会随抽到哪几条对话而明显波动。',
    useTestSplit: (split: string) => `改用 ${split} 划分做测试`,
    useFraction: (fraction: number, count: number) => `留出 ${fmt.percent(fraction)}（${n(count)} 条对话）`,
    epochs: (epochs: number) => `${fmt.decimal(epochs, 2)} 轮`,
    stepsAuto: (steps: number, epochs: string, examples: number) => `${n(steps)} 步 = 在实际参与训练的 ${n(examples)} 条对话上训练 ${epochs}（默认 3 轮，数据集很大时减少）。`,
    stepsTyped: (epochs: string, examples: number) => `= 在实际参与训练的 ${n(examples)} 条对话上训练 ${epochs}。`,
    stepsReset: '恢复默认（3 轮）',
    earlyStop: '在测试 NLL 最低处提前停止',
    earlyStopHelp: '连续这么多次评估都没有刷新最佳测试 NLL 时结束训练。无论是否提前停止，最佳权重都会保存。',
    patience: '耐心值（评估次数）',
    keepAll: '保留每个定期检查点',
    keepAllHelp: '关闭时只保留最后一个检查点（用于恢复训练）以及最佳和最终权重。在沙箱中每个检查点占用数十 MB。',
    best: (step: number, nll: string) => `最佳 ${nll}，在第 ${n(step)} 步`,
    bestMarker: '最佳',
    bestLabel: '最佳测试 NLL',
    verdict: { fine: '正常', overfit: '过拟合', diverged: '不稳定', 'too-slow': '收敛过慢' },
    note: {
      overfit: (v: { rise: number; best: string; bestStep: number }) =>
        `过拟合：测试 NLL 比最佳值（第 ${n(v.bestStep)} 步的 ${v.best}）高出 ${fmt.percent(v.rise)}，而训练 NLL 仍在下降。指南建议：在最佳步数处停止，或降低学习率（1e-4 → 5e-5 → 1e-5）或秩（32 → 8）。`,
      diverged: '不稳定：训练 NLL 在上升（或损失已发散）。指南建议：降低学习率（1e-4 → 5e-5 → 1e-5）或秩（32 → 8）。',
      tooSlow: (drop: number) => `收敛过慢：训练结束时测试 NLL 仍在快速下降（最后四分之一下降了 ${fmt.percent(drop)}）。指南建议：先增加步数，之后再考虑提高秩。`,
      fine: (best: string, bestStep: number) => `测试 NLL 在第 ${n(bestStep)} 步达到最佳值 ${best}，曲线正常。`,
    },
    finished: '训练完成。',
    finishedVerdict: (verdict: string) => `训练完成：${verdict}，请看下方建议。`,
    verdictLabel: '判断',
    earlyStopped: (step: number, bestStep: number) => `已在第 ${n(step)} 步提前停止：自第 ${n(bestStep)} 步以来测试 NLL 没有再改善。`,
    fix: {
      useBest: (step: number) => `试用最佳检查点（第 ${n(step)} 步）`,
      steps: (steps: number) => `以 ${n(steps)} 步重新训练`,
      earlyStop: '开启提前停止重新训练',
      lr: (lr: string) => `以学习率 ${lr} 重新训练`,
      rank: (rank: number) => `以秩 ${rank} 重新训练`,
    },
    gradNormPerToken: '每 token 梯度范数',
    gradNormHelp: '服务器报告的是求和损失的梯度范数，会随一批中的 token 数增大（数万属正常）。这里除以该步的加权 token 数，不同步之间才可比较。',
    checkpoints: {
      best: '最佳',
      final: '最终',
      option: (step: number, tags: string) => (tags ? `第 ${n(step)} 步（${tags}）` : `第 ${n(step)} 步`),
      none: '还没有保存采样权重。',
      kind: { state: '训练状态', sampler: '采样权重' },
    },
    target: {
      label: '导出对象',
      best: (step: number) => `最佳检查点（第 ${n(step)} 步）`,
      final: (step: number) => `最终权重（第 ${n(step)} 步）`,
    },
    exportDatums: '导出训练样本（.jsonl）',
    datumsHelp: 'Python 脚本从同目录的样本文件读取与应用完全相同的 token id 和损失权重（只需 tinker SDK）。',
    disk: {
      title: '检查点磁盘占用',
      run: (bytes: string, count: number) => `${n(count)} 个检查点，共 ${bytes}`,
      unknown: '未知（服务器未报告大小）',
      where: (where: 'sandbox' | 'server'): string => (where === 'sandbox' ? '位于沙箱数据目录' : '位于服务器上'),
      reclaimable: (bytes: string, count: number) => `其中 ${n(count)} 个已不需要（${bytes}）：除最后、最佳和最终检查点外的所有检查点。`,
      cleanUp: '清理',
      cleaned: (count: number) => `已删除 ${n(count)} 个检查点。`,
      failed: (count: number) => `有 ${n(count)} 个无法删除：服务器已不再列出它们所属的训练（TuFT 卸载训练后会忘记其记录）。请到服务器的检查点目录中手动删除。`,
      nothing: '没有需要清理的检查点。',
      total: (bytes: string, runs: number) => `${n(runs)} 次训练共占用 ${bytes}`,
      measure: '统计',
    },
    sweepProgress: (finished: number, total: number) => `已完成 ${n(finished)} / ${n(total)} 次训练，全部完成后给出推荐。`,
    recommend: (v: { rank: number; lr: string; stopStep: number; best: string }) => `推荐：秩 ${v.rank}、学习率 ${v.lr}，在第 ${n(v.stopStep)} 步停止（最佳测试 NLL ${v.best}）。`,
    cell: (v: { verdict: 'fine' | 'overfit' | 'diverged' | 'too-slow'; bestStep: number | null }): string =>
      v.verdict === 'overfit'
        ? `第 ${n(v.bestStep ?? 0)} 步后过拟合，应降低学习率或减少步数`
        : v.verdict === 'diverged'
          ? '不稳定，应降低学习率'
          : v.verdict === 'too-slow'
            ? '收敛过慢，应增加步数'
            : '正常',
    generations: {
      title: '留出提示上的生成结果',
      intro: '所有训练使用相同的留出提示和随机种子：即指南所说的“下游生成质量”检查。',
      target: '权重',
      sample: '采样',
      sampling: '正在采样…',
      prompt: (row: number) => `留出对话 #${n(row + 1)}`,
      reference: '参考回答',
      base: '基座模型',
      column: (name: string, step: number | null) => (step === null ? name : `${name} · 第 ${n(step)} 步`),
      none: '没有采样权重',
    },
    playground: {
      checkpoint: '检查点',
      final: '最终权重',
      sameSeed: (seed: number) => `每一栏使用相同的提示和随机种子（${seed}）。`,
      tuned: (step: number, best: boolean) => (best ? `最佳检查点 · 第 ${n(step)} 步` : `检查点 · 第 ${n(step)} 步`),
    },
    compareEmpty: '请在运行记录中勾选两个或更多训练进行对比，或从那里打开一次网格搜索。',
    goToRuns: '前往运行记录',
    configValue: {
      sandbox: '本地沙箱',
      remote: (url: string) => url,
      discovered: '自动发现的服务器',
      adamDefaults: '默认值（β1 0.9，β2 0.95，ε 1e-12）',
      none: '无',
      off: '关闭',
      patience: (count: number) => `连续 ${n(count)} 次评估未刷新最佳值时`,
      keep: (keep: 'last-best' | 'all'): string => (keep === 'all' ? '全部检查点' : '最后一个和最佳检查点'),
    },
    configKeys: {
      name: '名称', server: '服务器', baseModel: '基座模型', tokenizer: '分词器', dataset: '数据集', rank: 'LoRA 秩', trainMlp: '训练前馈层',
      trainAttn: '训练注意力层', trainUnembed: '训练输出层', learningRate: '学习率', adam: '优化器参数', batchSize: '批大小',
      maxLength: '最大长度', steps: '步数', epochs: '轮数', evalEvery: '评估间隔', evalSetSize: '评估集大小', seed: '随机种子',
      trainOn: '训练目标', checkpointEvery: '检查点间隔', lookahead: '并行步数', heldOutFraction: '留出比例',
      earlyStop: '提前停止', keepCheckpoints: '保留的检查点',
    } as Record<string, string>,
    yes: '是',
    no: '否',
    elapsed: (duration: string) => `用时 ${duration}`,
  },
  cli: {
    mainMessagesReadable: false,
    common: {
      usage: (usage: string) => `用法：${usage}`,
      error: (message: string) => `错误：${message}`,
      failure: (code: string, message: string, fix: string) => `错误 [${code}]：${message.replace(/[。.]$/, '')}。${fix}`,
      original: (message: string) => `  原始信息：${message}`,
      internal: (message: string) => `错误 [internal]：${message}`,
      unknownOption: (option: string) => `没有 ${option} 这个选项`,
      needsValue: (option: string) => `${option} 后面需要跟一个值`,
      takesNoValue: (option: string) => `${option} 不接受值`,
      unexpectedArgument: (arg: string) => `多余的参数“${arg}”`,
      integerRange: (flag: string, min: number, max: number, got: string) => `--${flag} 须为 ${n(min)} 到 ${n(max)} 之间的整数（收到的是“${got}”）`,
      serverLogTail: '服务器日志的最后几行：',
      fullLog: (file: string) => `完整日志：${file}`,
      warning: (message: string) => `警告：${message}`,
    },
    fix: {
      'invalid-input': '改正这个值后重新运行命令（--help 会列出所有选项）。',
      'missing-api-key': '用 --api-key-file 文件 传入密钥（读取文件的第一行），或者设置 TINKER_API_KEY；密钥在服务器配置的 authorized_users 中。',
      'run-not-found': '换成这个数据目录（TUFT_STUDIO_HOME）里已有的训练运行 ID：应用的运行记录里能看到，`npm run sft` 开始训练时也会打印出来。',
      'sandbox-port-taken': '停掉占用该端口的程序，或者用 --port 换一个端口（--port 0 表示任选一个空闲端口）。',
      'local-server-not-running': '先用 `npm run cli -- server launch --model-path DIR` 启动一个。',
      'dataset-not-cached': '先用 `npm run cli -- dataset import <hf-id|路径>` 导入；`npm run cli -- dataset list` 会列出已导入的数据集。',
      'not-found': '检查名称是否写对：`npm run cli -- dataset list` 会列出已导入的数据集及其数据划分。',
    },
    dataset: {
      usage: 'npm run cli -- <dataset|server> <命令> [选项]',
      commandUsage: (usage: string, summary: string) => `用法：npm run cli -- ${usage}\n  ${summary}`,
      unknownCommand: (name: string) => `没有“${name}”这个命令`,
      commands: {
        import: {
          usage: 'dataset import <hf-id|路径> [--split 划分] [--name 名称] [--format messages|sharegpt|alpaca] [--mapping JSON] [--revision 版本] [--endpoint URL] [--json]',
          summary: '把 Hub 上的数据集（全部划分，或 --split 指定的划分）或一个 .jsonl/.json/.parquet 文件导入本地存储',
        },
        list: { usage: 'dataset list [--json]', summary: '列出本地存储中的数据集，以及各自的数据划分和来源' },
        stats: {
          usage: 'dataset stats <名称> --tokenizer <模型或目录> [--max-length 长度] [--split 划分] [--train-on all-assistant|last-assistant|all] [--endpoint URL] [--json]',
          summary: '统计已缓存数据划分的 token 数：长度直方图、被截断的比例、建议的最大长度和 token 总数',
        },
        datums: {
          usage: 'dataset datums <名称> --tokenizer <模型或目录> [--train-on all-assistant|last-assistant|all] [--max-length 长度] [--split 划分] [--endpoint URL] --out file.jsonl',
          summary: '按数据集顺序每行写出一个 JSON 训练样本（{"model_input","target_tokens","weights"}）；被跳过的行写到标准错误输出',
        },
        launch: {
          usage:
            'server launch --model-path 目录 [--model-name 名称] [--port 端口] [--max-lora-rank 秩] [--checkpoint-dir 目录] [--config-out 文件] [--max-model-len 长度] [--tensor-parallel-size 数量] [--training-backend hf|fsdp] [--host 127.0.0.1|0.0.0.0] [--timeout 秒数] [--json]',
          summary: '用本机的模型目录在后台启动 TuFT，等它能响应后返回（进程号、端口和日志路径记录在数据目录中）',
        },
        status: { usage: 'server status [--json]', summary: '`server launch` 启动的本地 TuFT 服务器：地址、端口、进程号、是否健康' },
        stop: { usage: 'server stop [--json]', summary: '停止本地 TuFT 服务器（先发 SIGTERM，等一会儿仍未退出再发 SIGKILL），进程退出后返回 0' },
        logs: { usage: 'server logs [--lines 行数] [--search 文本]', summary: '打印本地服务器的日志：最后若干行，或包含指定文本的行' },
        runs: {
          usage: 'server runs [--server URL] [--api-key-file 文件] [--json]',
          summary: '列出这个密钥在服务器上拥有的训练运行及其检查点（不给 --server 时依次查找 TUFT_ADDRESS、~/.tuft/tuft_current_server 等）',
        },
        checkpoints: { usage: 'server checkpoints 运行ID [--server URL] [--api-key-file 文件] [--json]', summary: '列出一次训练运行的检查点（训练状态和采样权重）及其大小' },
      },
      expectedOne: '需要且只需要一个数据集 ID 或文件路径',
      formatChoice: (got: string) => `--format 只能是 messages、sharegpt 或 alpaca（收到的是“${got}”）`,
      mappingNotJson: (_error: string) => `--mapping 必须是 JSON，例如 '{"messagesField":"dialog","roles":{"bot":"assistant"}}'`,
      progress: {
        listing: '正在列出文件',
        downloading: (file: string, percent: string | null, done: string, total: string) => `正在下载 ${file}${percent ? ` ${percent}` : ''}（${done} / ${total}）`,
        reading: (split: string, file: string, rows: number, total: number) => `正在读取 ${file}（${split} 划分）：${n(rows)}${total ? ` / ${n(total)}` : ''} 行`,
        saving: (conversations: number) => `正在保存 ${n(conversations)} 条对话`,
      },
      report: {
        imported: (v: { name: string; format: string; from: string; cached: boolean }) =>
          v.cached ? `使用已缓存的数据集“${v.name}”（${v.format} 格式，离线副本），来源：${v.from}` : `已导入数据集“${v.name}”（${v.format} 格式），来源：${v.from}`,
        fromHub: (repo: string, endpoint: string, revision: string | null) => `Hub 上的 ${repo}（经由 ${endpoint}${revision ? `，版本 ${revision}` : ''}）`,
        fromFile: (file: string) => `文件 ${file}`,
        split: (split: string, rows: number, rejected: number) => `  ${split} 划分：${n(rows)} 条对话，剔除 ${n(rejected)} 行`,
        noRejections: '没有被剔除的行。',
        rejected: (count: number) => `被剔除的行：${n(count)}`,
        warned: (count: number) => `已导入但有警告：${n(count)} 行`,
        group: (code: string, label: string, count: number) => `  ${label}（${code}）：${n(count)} 行`,
        example: (split: string, row: number, _detail: string | null, excerpt: string) => `    例：${split} 划分第 ${n(row)} 行：${excerpt}`,
      },
      list: {
        empty: '还没有数据集。先导入一个：npm run cli -- dataset import HuggingFaceH4/no_robots',
        split: (split: string, rows: number, rejected: number) => `${split} ${n(rows)}${rejected ? `（另剔除 ${n(rejected)}）` : ''}`,
        imported: (when: string) => `导入于 ${when}`,
      },
    },
    tokenize: {
      expectedName: (usage: string) => `需要且只需要一个数据集名称（用法：${usage}）`,
      tokenizerRequired: '必须给出 --tokenizer <模型或目录>：Hub 上的模型 ID（例如 Qwen/Qwen3-4B-Instruct-2507），或包含 tokenizer.json 和 tokenizer_config.json 的目录',
      maxLength: (got: string) => `--max-length 须为不小于 2 的整数（收到的是“${got}”）`,
      trainOn: (choices: readonly string[], got: string) => `--train-on 只能是 ${fmt.list([...choices])} 之一（收到的是“${got}”）`,
      outRequired: '必须给出 --out file.jsonl（训练样本写入的文件，每行一个 JSON 对象）',
      cannotWrite: (file: string, code: string) => `无法写入 ${file}（${code}）`,
      progress: {
        downloading: (file: string, done: string, total: string) => `正在下载 ${file}：${done} / ${total}`,
        loading: '正在加载分词器',
        tokenizing: (done: number, total: number) => `正在分词：${n(done)} / ${n(total)} 条对话`,
        saving: '正在保存',
      },
      origin: { builtin: '内置', dir: '本地目录', 'local-server': '本机服务器', cache: '缓存', hub: 'Hub' } as Record<string, string>,
      header: (v: { name: string; model: string; origin: string; id: string; trainOn: string; cached: boolean }) =>
        `数据集“${v.name}”已用 ${v.model} 的分词器分词（${v.origin}，${v.id}），训练范围 ${v.trainOn}${v.cached ? '（来自缓存）' : ''}`,
      conversations: (count: number) => `对话数：${n(count)}`,
      tokens: (total: number, weighted: number) => `token 数：共 ${n(total)}，其中参与训练的 ${n(weighted)}（截断后权重为 1 的 token）`,
      length: (p50: number, p95: number, max: number) => `长度：p50 ${n(p50)}，p95 ${n(p95)}，最大 ${n(max)}`,
      truncated: (maxLength: number, share: string) => `按最大长度 ${n(maxLength)} 截断：${share} 的对话被截断`,
      suggested: (length: number) => `建议的最大长度（p95）：${n(length)}`,
      histogram: '长度直方图：',
      skipped: (count: number) => `跳过：${n(count)}`,
      skippedHead: (count: number) => `跳过了 ${n(count)} 条对话（没有生成训练样本）：`,
      skippedGroup: (count: number, reason: string) => `  ${n(count)} × ${reason}`,
      skippedRow: (row: number, reason: string) => `    第 ${row} 行：${reason}`,
      skippedMore: (count: number) => `    …另有 ${n(count)} 条`,
      wrote: (count: number, file: string, skipped: number) => `已把 ${n(count)} 个训练样本写入 ${file}${skipped ? `（跳过 ${n(skipped)} 条）` : ''}`,
      skip: {
        tooFewTokens: (tokens: number, maxLength: number) => `按最大长度 ${n(maxLength)} 截断后只剩 ${n(tokens)} 个 token`,
        beyondMaxLength: (maxLength: number) => `最大长度 ${n(maxLength)} 以内没有需要训练的 token`,
        firstTrainedAt: (position: number, length: number) => `第一个需要训练的 token 在第 ${n(position)} 位，全长 ${n(length)}`,
        nothingWeighted: '没有需要训练的 token',
        noTargetMessage: (assistantOnly: boolean): string => (assistantOnly ? '没有可训练的助手消息' : '没有可训练的消息'),
        notVerbatim: '有消息在渲染结果中对不上原文（聊天模板改写了它），无法算出精确的损失掩码',
        notVerbatimRow: (message: number, role: string) => `第 ${n(message)} 条消息（${role}）`,
        noOffsets: '这个分词器不提供 token 偏移量，无法算出精确的损失掩码',
        templateError: '聊天模板渲染这条对话时出错',
        other: '其他原因',
      },
    },
    server: {
      notRunning: '没有正在运行的本地 TuFT 服务器。',
      status: (v: { state: string; stateLabel: string; url: string; pid: number | null; healthy: boolean }) =>
        `TuFT ${v.stateLabel}，地址 ${v.url}（进程号 ${v.pid}，${v.healthy ? '健康检查正常' : '/api/v1/healthz 没有响应'}）。`,
      model: (name: string, dir: string) => `  模型：    ${name}  ←  ${dir}`,
      config: (file: string) => `  配置：    ${file}`,
      log: (file: string) => `  日志：    ${file}`,
      key: '  密钥：    已为用户 local-user 生成，写在上面的配置文件里（authorized_users）；`server runs` 和应用都会用它',
      stopHint: '  停止：    npm run cli -- server stop',
      stopped: (pid: number | null, port: number | null) => `已停止 TuFT（进程号 ${pid}，端口 ${port}）。`,
      noneWasRunning: '本来就没有正在运行的本地 TuFT 服务器。',
      noLog: '还没有本地 TuFT 服务器的日志',
      modelPathRequired: '必须给出 --model-path 目录（包含 config.json、分词器文件和 *.safetensors 的目录）',
      nameWithoutPath: '每个 --model-name 对应同一位置的 --model-path，名称不能比路径多',
      backend: (got: string) => `--training-backend 只能是 hf 或 fsdp（收到的是“${got}”）`,
      host: (got: string) => `--host 只能是 127.0.0.1（仅本机）或 0.0.0.0（所有网卡）；收到的是“${got}”`,
      expectedRunId: '需要且只需要一个训练运行 ID',
      noRuns: (url: string) => `这个密钥在 ${url} 上没有训练运行。`,
      runsHead: (count: number, url: string) => `${url} 上有 ${n(count)} 个训练运行：`,
      run: (v: { id: string; baseModel: string; rank: number | null; checkpoints: number }) =>
        `${v.id}  ${v.baseModel}  秩 ${v.rank ?? '—'}  ${n(v.checkpoints)} 个检查点`,
      studioRun: (name: string, status: string) => `  [TuFT Studio 训练运行“${name}”，${status}]`,
      noCheckpoints: (id: string) => `训练运行 ${id} 没有检查点。`,
      checkpointType: { training: '训练状态', sampler: '采样权重' } as Record<string, string>,
      public: '已公开',
    },
    apiKey: {
      both: 'API 密钥只能给一次：--api-key-file 文件 和 --api-key 密钥 二选一。',
      flagWarning: '警告：--api-key 会把密钥留在命令历史和进程列表（`ps`）里，npm 还会把它回显出来；建议改用 TINKER_API_KEY 或 --api-key-file 文件。',
      emptyFlag: '--api-key 的值是空的。',
      prompt: (url: string) => `${url} 的 API 密钥（输入不回显；直接回车表示不用密钥）：`,
      readableByOthers: (file: string) => `警告：本机的其他用户可以读取 ${file}；执行 \`chmod 600 ${file}\` 只让你自己能读。`,
      unreadable: (file: string, code: string) => `无法读取 --api-key-file ${file}（${code}）`,
      empty: (file: string) => `--api-key-file ${file} 是空的`,
      cancelled: '已在输入 API 密钥时取消。',
    },
    sft: {
      help: `用法：npm run sft -- [选项]

  --config 文件            训练配置 JSON（RunConfig 的键，也接受 snake_case）；命令行选项优先于文件
  --server URL             TuFT 服务器（不给时自动发现：TUFT_ADDRESS、TINKER_BASE_URL、~/.tuft/tuft_current_server、
                           http://127.0.0.1:10610；都没有响应时，在本进程内启动内置沙箱）
  --api-key-file 文件      从文件读取远程服务器的 API 密钥（取第一行）。和 TINKER_API_KEY 一样是推荐做法：
                           写在命令行上的密钥会被 npm 回显，用 \`ps\` 也能看到。
                           两者都没有时，会在终端里询问密钥（输入不回显）
  --api-key 密钥           直接在命令行上给出 API 密钥：可以用，但会有警告（建议用上面两种方式）
  --sandbox                使用内置沙箱（在本进程内运行，数据在 TUFT_STUDIO_HOME/sandbox）
  --dataset 名称|路径      本地存储中的数据集、Hub 上的数据集 ID，或一个 .jsonl/.json/.parquet 文件
                           （默认 HuggingFaceH4/no_robots，首次下载后缓存；镜像端点用 HF_ENDPOINT 设置；
                           离线且没有缓存时，使用随应用提供的 sample-chat 示例数据集）
  --split 划分             训练用的数据划分（默认 train）
  --model 模型             基础模型（默认：服务器提供的第一个模型）
  --tokenizer 目录|ID      分词器目录（tokenizer.json + tokenizer_config.json）或模型 ID
  --rank 秩  --lr 学习率  --batch-size 批大小  --max-length 最大长度  --steps 步数  --epochs 轮数
  --eval-every N  --eval-set-size N  --checkpoint-every N  --seed N  --train-on all-assistant|last-assistant|all
                           （不给 --steps/--epochs 时：对参与训练的对话训练 3 轮，数据集很大时轮数更少）
  --held-out-fraction 比例 没有测试划分时，从训练划分中留出这一比例来算测试 NLL（默认 0.05）
  --early-stop 耐心值      连续这么多次评估测试 NLL 都没有创新低就停止（默认关闭；网格搜索中每组各自计算）
  --keep-checkpoints last-best|all   服务器上保留哪些检查点（默认 last-best：最后的训练状态、最佳权重和最终权重）
  --export-script 目录     训练结束后写出一个 Python 脚本，用官方 tinker SDK 和完全相同的训练样本复现这次训练
                           （<名称>-train.py、<名称>-datums.jsonl；网格搜索每组一个子目录）
  --name 名称              训练运行的名称
  --sweep ranks=8,32 lrs=1e-4,1e-3   网格搜索（每组都是一次普通训练）   --concurrency N（默认 2）
  --resume 运行ID          继续一次中断、失败或停止的训练（可同时给 --max-length、--batch-size、--rank、--lr）
  --summary-json 文件      把摘要写成 JSON：{"run_id", "status", "steps", "train_nll": [[step, value], …],
                           "test_nll": [[step, value], …], "checkpoints": [{"step", "kind", "name", "path"}, …],
                           "best": {"step", "test_nll"} | null, "verdict": "fine"|"overfit"|"diverged"|"too-slow",
                           "best_checkpoint": 采样权重路径 | null, "epochs", "eval_conversations"}；
                           网格搜索则为 {"sweep_id", "concurrency", "max_concurrent", "runs": [上述对象外加 "rank",
                           "learning_rate", "final_test_nll", "best_test_nll", "train_mean_nll", "note"], "recommendation":
                           {"run_id", "rank", "learning_rate", "reason", "stop_step", "checkpoint"} | null}
  --help

退出码：训练（网格搜索则为每一组）全部完成时为 0，否则为 1。按一次 Ctrl-C 停止并保存，按两次直接取消。
`,
      unexpectedArgument: (arg: string) => `多余的参数 ${arg}（见 --help）`,
      unknownOption: (flag: string) => `没有 --${flag} 这个选项（见 --help）`,
      needsValue: (flag: string) => `--${flag} 后面需要跟一个值`,
      notANumber: (flag: string, got: string) => `--${flag} 须为数字（收到的是 ${got}）`,
      sweepSpec: (got: string) => `--sweep 需要写成 ranks=R1,R2 lrs=LR1,LR2（收到的是“${got}”）`,
      configUnreadable: (file: string, code: string) => `无法读取 --config ${file}（${code}）`,
      configNotJson: (file: string) => `--config ${file} 不是合法的 JSON`,
      failure: (code: string, message: string) => `错误 ${code}：${message}`,
      fix: (fix: string) => `解决办法：${fix}`,
      sandboxStarted: (why: string, url: string, dir: string) => `${why}：已在本进程内启动内置沙箱，地址 ${url}（数据在 ${dir}）。`,
      whyFlag: '指定了 --sandbox',
      whyConfig: '配置文件要求使用沙箱',
      whyNoServer: (url: string, source: string) => `${url}（${source}）上没有 TuFT 服务器响应`,
      usingServer: (url: string, source: string) => `使用 ${url} 上的 TuFT 服务器（来自${source}）。`,
      datasetFromFile: (name: string, splits: string, file: string) => `数据集 ${name}：已从 ${file} 导入 ${splits}。`,
      fileSplit: (split: string, rows: number) => `${split} 划分 ${n(rows)} 行`,
      datasetFromHub: (name: string, splits: string, cached: boolean) => `数据集 ${name}：${splits}${cached ? '（本地副本）' : '（已下载）'}。`,
      hubSplit: (split: string, rows: number) => `${split} 划分 ${n(rows)} 行`,
      datasetProgress: (phase: string, done: number, total: number) => `数据集：${phase} ${n(done)}/${n(total)}`,
      cannotDownload: (repo: string, code: string, _message: string) => `无法下载 ${repo}（${code}），本地也没有缓存。`,
      fallback: (file: string, repo: string) => `改用随 TuFT Studio 提供的小型示例对话数据集（${file}）；要用 ${repo}，请把 HF_ENDPOINT 设为镜像端点。`,
      progress: (v: { step: number; total: number; train: string; test: string; throughput: string | null; eta: string | null }) =>
        `${n(v.step)}/${n(v.total)} 训练 NLL ${v.train} 测试 NLL ${v.test}${v.throughput ? ` ${v.throughput} token/秒` : ''}${v.eta ? ` 预计剩余 ${v.eta}` : ''}`,
      phase: (phase: string, _message: string | null) => phase,
      phases: {
        connecting: '正在连接服务器…',
        tokenizing: '正在分词…',
        'creating-run': '正在创建训练运行…',
        training: '正在训练…',
        saving: '正在保存…',
        done: '训练结束',
        error: '出错',
        stopped: '已停止',
        paused: '已暂停',
      } satisfies Record<RunPhase, string>,
      eval: (step: number, nll: string, conversations: number) => `第 ${n(step)} 步：${n(conversations)} 条留出对话上的测试 NLL 为 ${nll}`,
      checkpointKind: { sampler: '采样权重', state: '训练状态' } as Record<string, string>,
      checkpointSaved: (kind: string, step: number, file: string) => `已保存第 ${n(step)} 步的${kind}：${file}`,
      stopping: '正在等进行中的几步完成后停止并保存（再按一次 Ctrl-C 直接取消，不保存）…',
      marked: (ids: readonly string[]) => `有 ${n(ids.length)} 个训练运行因进程已停止而一直显示运行中，已标为中断：${ids.join('、')}`,
      resuming: (v: { id: string; name: string; status: string; step: number; total: number }) =>
        `继续训练运行 ${v.id}“${v.name}”（${v.status}，停在第 ${n(v.step)}/${n(v.total)} 步）。`,
      forked: (v: { savedRank: number; rank: number; newId: string; oldId: string }) =>
        `已保存的 LoRA 权重秩为 ${v.savedRank}，所以秩 ${v.rank} 会开始一个新的训练运行 ${v.newId}（原训练运行 ${v.oldId} 保留不变）。`,
      sweepStarted: (id: string, ranks: string, lrs: string) => `网格搜索 ${id}：秩 ${ranks} × 学习率 ${lrs}。`,
      runStarted: (id: string) => `训练运行 ${id} 已开始（按 Ctrl-C 停止并保存）。`,
      wrote: (file: string) => `已写入 ${file}`,
      serverDefault: '服务器默认模型',
      withPath: (text: string, file: string) => `${text}：${file}`,
      withCaveat: (text: string, caveat: string) => `${text}。${caveat}`,
      summary: {
        head: (v: { id: string; name: string; status: string; step: number; total: number }) => `训练运行 ${v.id}“${v.name}”：${v.status}，第 ${n(v.step)}/${n(v.total)} 步`,
        setup: (v: { model: string; rank: number; lr: string; dataset: string }) => `  模型 ${v.model}，秩 ${v.rank}，学习率 ${v.lr}，数据集 ${v.dataset}`,
        data: (v: { train: number; eval: number; from: string }) => `（训练 ${n(v.train)} 条，评估 ${n(v.eval)} 条，来自${v.from}）`,
        evalFrom: (source: string, split: string | null): string => (source === 'split' ? ` ${split ?? ''} 划分` : source === 'held-out' ? '留出部分' : '无'),
        curves: (v: { firstTrain: string; lastTrain: string; firstTest: string; firstTestStep: string; lastTest: string; bestTest: string }) =>
          `  训练 NLL ${v.firstTrain} → ${v.lastTrain}；测试 NLL ${v.firstTest}（第 ${v.firstTestStep} 步）→ ${v.lastTest}（最佳 ${v.bestTest}）`,
        verdict: (_verdict: string, note: string) => `  ${note}`,
        checkpoint: (path: string) => `  检查点：${path}`,
        resume: (id: string) => `  继续训练：npm run sft -- --resume ${id}`,
      },
      sweep: {
        head: (v: { id: string; name: string; concurrency: number; observed: number }) => `网格搜索 ${v.id}“${v.name}”（并发 ${v.concurrency}，实际最高并发 ${v.observed}）`,
        columns: ['秩', '学习率', '状态', '最终测试', '最佳测试（步）', '训练平均', '结论', '说明'],
        none: (why: string) => `暂无推荐：${why}`,
        noneCompleted: '暂无推荐（没有既已完成又未发散的组合）',
        other: (rank: number, lr: string, note: string) => `秩 ${rank}、学习率 ${lr}：${note}`,
      },
    },
    sandbox: {
      help: (defaultPort: number) => `用法：npm run sandbox -- [选项]
  --port 端口           监听的端口（默认 ${defaultPort}，被占用时换一个空闲端口；0 表示任意端口）
  --host 地址           监听的网卡（默认 127.0.0.1；其他地址会让别的机器也能访问）
  --key 密钥            接受的 API 密钥（可重复；默认使用数据目录中保存的密钥，首次运行时生成）
  --data-dir 目录       训练运行和检查点的保存位置（默认：应用的沙箱目录）
  --seed N              冻结的基础模型及采样所用的随机种子（默认 0）
  --long-poll-ms N      retrieve_future 最多等待多久才回复 try_again（默认 120000，与 TuFT 相同）
  --latency-ms N        故障注入：每次调用额外增加的延迟
  --failure-rate 比例   故障注入：返回 503 的调用比例（0..1）
  --drop-rate 比例      故障注入：处理前就断开连接的调用比例（0..1）
  --lost-reply-rate 比例  故障注入：已完整处理、但回复丢失的调用比例（0..1）
  --oom-token-budget N  故障注入：超过 N 个 token 的 forward_backward 批次报 CUDA 显存不足
  --json                只打印 SANDBOX_READY 那一行（供程序读取）`,
      failed: (message: string) => `sandbox：${message}`,
      notANumber: (flag: string, min: number, max: number, got: string) => `--${flag} 须为 [${min}, ${max}] 范围内的数字，收到的是“${got}”`,
      portTaken: (port: number) => `端口 ${port} 已被占用，已改用一个空闲端口`,
      title: 'TuFT Studio 沙箱（兼容 TuFT，仅用 CPU 的微型模型 sandbox/qwen3-tiny）',
      url: (url: string, note: string | null) => `  地址：    ${url}${note ? `   （${note}）` : ''}`,
      apiKey: (key: string) => `  API 密钥：${key}`,
      dataDir: (dir: string) => `  数据目录：${dir}`,
      faults: (list: string) => `  故障注入：${list}`,
      python: (env: string) => `  Python：  ${env}`,
      stop: '按 Ctrl-C 停止。',
      exposed: (host: string) =>
        `警告：--host ${host} 会让其他机器也能访问这个沙箱。它的 API 密钥经由未加密的 HTTP 明文传输，拿到密钥的人都能占用本机的 CPU 和磁盘。建议用 127.0.0.1（远程访问请用 \`ssh -L\` 转发端口）。`,
    },
    serve: {
      help: '用法：npm run serve -- [--port 端口] [--host 127.0.0.1] [--open] [--sandbox-port 端口]',
      failed: (message: string) => `tuft-studio serve：${message}`,
      channelFailed: (channel: string, code: string, message: string) => `${channel} 调用失败 [${code}]：${message}`,
      unknownOption: (option: string) => `没有 ${option} 这个选项（见 --help）`,
      port: '--port 须为 0–65535 之间的整数',
      sandboxPort: (min: number, got: string) => `--sandbox-port 须为 ${min}–65535 之间的整数（收到的是 ${got}）`,
      loopbackOnly: (host: string) => `--host 只能是本机回环地址（收到的是 ${host}）。远程机器上请保留 127.0.0.1，再用 \`ssh -L\` 把端口转发到本地`,
      building: '正在构建应用（`electron-vite build`）…',
      buildFailed: '界面构建失败（原因见上方输出）',
      started: (dir: string) => `TuFT Studio（浏览器模式），数据目录 ${dir}`,
      sandboxPortNote: (port: number) => `启动内置沙箱后，它会监听 http://127.0.0.1:${port}。`,
      openThis: '打开下面这个地址（其中带有本次启动的访问令牌）：',
      stop: '按 Ctrl+C 停止。',
    },
    start: {
      lookingForElectron: '正在查找 Electron 运行时（首次启动时下载一次）…',
      downloadFailed: (source: string, why: string) => `无法从 ${source} 下载运行时（${why}）`,
      exitCode: (code: string) => `退出码 ${code}`,
      runtimeMissing: (file: string) => `运行时不存在（${file}）`,
      noPath: '没有路径',
      noDisplay: '没有图形界面（`DISPLAY` 和 `WAYLAND_DISPLAY` 都没有设置），例如通过 SSH 登录的服务器',
      buildingSqlite: (sqlite: string, electron: string) => `正在为 Electron ${electron} 编译 better-sqlite3 ${sqlite}（只需一次，大约两分钟）…`,
      rebuildFailed: '为 Electron 重新编译 better-sqlite3 后没有生成二进制文件',
      commandFailed: (command: string) => `${command} 执行失败`,
      startingElectron: (version: string) => `正在启动 Electron ${version}…`,
      exitedAtStartup: (how: string) => `Electron 启动时就退出了（${how}）`,
      codeOf: (code: string) => `退出码 ${code}`,
      cannotStart: (why: string) => `无法启动 Electron：${why}。`,
      browserInstead: '改为在浏览器中打开 TuFT Studio：同样的应用，只在 127.0.0.1 上提供服务。',
      mirrorAdvice: '想用桌面窗口的话，可以通过镜像下载 Electron 后再运行一次 `npm start`，例如：',
    },
  },
  bench: { title: '图表帧耗时基准' },
}
