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
import type { ResumableParam, RunStatus } from './runs'
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
  bench: { title: '图表帧耗时基准' },
}
