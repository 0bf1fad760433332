/**
 * 错误提示的简体中文文案：发生了什么（title）、原因（why）、解决办法（fix）。一键修复动作与语言无关，只在
 * catalogue.ts 中定义一次。新增错误码时，请在 catalogue.ts 与本文件中各加一条；缺少或多出的错误码都会让
 * 类型检查失败。术语见 docs/glossary.zh-CN.md。
 *
 * The Simplified Chinese hint texts; actions and the English texts live in catalogue.ts.
 */
import type { ErrorCode } from './error-codes'
import type { HintText, KeyHintCase } from './catalogue'
import { HF_MIRROR_ENDPOINT as HF_MIRROR } from './hf-mirror'

export const HINTS_ZH_CN: Record<ErrorCode, HintText> = {
  'invalid-input': {
    title: '输入无效',
    why: '有必填项为空，或数值超出了允许范围。',
    fix: '修改标出的字段后再试一次。',
  },
  cancelled: {
    title: '已取消',
    why: '操作在完成前被取消了。不会丢失任何东西：已完成的部分都会保留。',
    fix: '准备好后重新开始即可。',
  },
  internal: {
    title: '意外错误',
    why: 'TuFT Studio 遇到了一个它无法识别的问题。',
    fix: '先重试；如果再次出现，请把错误信息复制到问题反馈中（其中不会包含 API 密钥）。',
  },
  'not-found': {
    title: '找不到该项',
    why: '它已经不存在了。',
    fix: '刷新列表。',
  },
  'hf-unreachable': {
    title: '无法访问 Hugging Face Hub',
    why: '连不上 Hub 端点：网络不通、DNS 解析失败或被防火墙拦截。在企业防火墙后或中国大陆的网络环境下很常见。',
    fix: `改用镜像端点，例如 ${HF_MIRROR}（等同于设置 HF_ENDPOINT），或者通过代理访问（启动 TuFT Studio 前设置 HTTPS_PROXY），然后重试。已经下载过的内容离线照常可用。`,
  },

  'hf-timeout': {
    title: 'Hugging Face 下载超时',
    why: 'Hub 或镜像在规定时间内没有响应。',
    fix: `重试即可（下载会从中断处继续），或者切换到镜像端点，例如 ${HF_MIRROR}。`,
  },
  'hf-auth-required': {
    title: '该仓库需要 Hugging Face 令牌',
    why: '这个数据集或模型是受限（gated）或私有的，而请求中没有带上有效的令牌。',
    fix: '先在仓库页面上同意使用条款，然后设置 HF_TOKEN，或在“设置 → Hugging Face”中填入令牌。',
  },
  'hf-not-found': {
    title: 'Hub 上找不到',
    why: '该端点上不存在这个仓库、划分或文件（镜像有时会落后于官方 Hub）。',
    fix: '检查数据集 ID 和划分名称（例如 HuggingFaceH4/no_robots，划分为 train 或 test）。',
  },
  'download-interrupted': {
    title: '下载中断',
    why: '文件还没下载完，连接就断开了。已下载的部分会保留。',
    fix: '重试：下载会从中断处继续。',
  },
  'dataset-file-unreadable': {
    title: '无法读取该文件',
    why: '文件不存在、为空，或者没有读取权限。',
    fix: '请选择一个可以打开的 .jsonl、.json 或 .parquet 文件。',
  },
  'dataset-format-unknown': {
    title: '无法识别数据集格式',
    why: '没有任何一行包含 messages 列表、ShareGPT 格式的 conversations，或 Alpaca 格式的 instruction/output 字段。',
    fix: '手动指定格式，或者按你的字段名给出列与角色的映射。',
  },
  'dataset-no-usable-rows': {
    title: '数据集中没有可用的行',
    why: '所有行都被剔除了；导入报告列出了每种原因及示例。',
    fix: '检查格式和角色映射，或者按导入报告修正出问题的行。',
  },
  'parquet-corrupt': {
    title: 'parquet 文件已损坏',
    why: '文件不完整，或者根本不是 parquet 文件（通常是下载没有完成）。',
    fix: '重新下载：未完成的下载会续传，或干净地从头开始。',
  },
  'dataset-not-cached': {
    title: '离线不可用',
    why: '这个数据集还没有导入过，而当前网络不可用。',
    fix: '在联网时（或通过镜像）导入一次，之后离线也能使用。',
  },
  'file-grant-expired': {
    title: '请重新选择文件',
    why: 'TuFT Studio 只读取你亲自选择的文件，而且只在选择后的一段时间内有效（上传的副本导入完成后即被删除）。',
    fix: '重新选择该文件（或把它拖到窗口上），然后导入。',
  },
  'file-too-large': {
    title: '文件太大，无法上传',
    why: '浏览器模式下，文件要先复制到数据目录再导入，而这个文件超过了上传大小上限。',
    fix: '改用命令行导入（`npm run cli -- dataset import FILE`，直接读取原文件），或者把它拆成几个小文件。',
  },
  'tokenizer-not-found': {
    title: '找不到分词器',
    why: '该端点或文件夹中没有这个模型的 tokenizer.json / tokenizer_config.json。',
    fix: '指定一个包含 tokenizer.json 和 tokenizer_config.json 的文件夹，或者设置镜像端点。',
  },
  'tokenizer-invalid': {
    title: '分词器文件无效',
    why: 'tokenizer.json 或 tokenizer_config.json 无法解析。',
    fix: '重新下载这些文件，或者换一个文件夹。',
  },
  'chat-template-missing': {
    title: '模型没有聊天模板',
    why: 'tokenizer_config.json 中没有 chat_template，无法按模型期望的格式渲染对话。',
    fix: '改用该模型的 Instruct/Chat 版本，它的 tokenizer_config.json 带有聊天模板。',
  },
  'chat-template-error': {
    title: '聊天模板渲染某条对话时出错',
    why: '模板抛出了错误（有些模板要求用户和助手严格交替发言）。',
    fix: '查看被剔除的那条对话；这类行会以此原因被跳过。',
  },
  'mask-unsupported-template': {
    title: '无法定位助手轮次',
    why: '在渲染后的文本中找不到助手消息的内容，因此无法生成精确的损失掩码。',
    fix: '这一行会被跳过，数据集的其余部分不受影响。',
  },
  'server-unreachable': {
    title: '无法连接 TuFT 服务器',
    why: '服务器地址上没有任何响应。',
    fix: '在 GPU 机器上用 `tuft launch` 启动 TuFT（默认端口 10610）并检查地址；也可以先用内置的本地沙箱把整个流程跑通。',
  },
  'missing-api-key': {
    title: '缺少 API 密钥',
    why: '服务器要求提供 X-API-Key，但应用和 TINKER_API_KEY 中都没有配置密钥。',
    fix: '在“连接服务器”这一步填入服务器配置（authorized_users）中的密钥。',
  },
  'invalid-api-key': {
    title: 'API 密钥无效',
    why: '服务器拒绝了发送的密钥（“Invalid API key”）。',
    fix: '确认发送的是哪个密钥、来自哪里（应用设置还是 TINKER_API_KEY）。如果 TINKER_API_KEY 已设置且与应用中的不同，请改正它或将其清除（`unset TINKER_API_KEY`）；在部分 Tinker SDK 版本中，这个环境变量会覆盖代码里传入的密钥，这会影响导出的脚本。',
  },
  'unknown-model': {
    title: '服务器不提供该模型',
    why: '这台服务器没有提供这个基础模型。',
    fix: '从服务器能力信息列出的模型中选择一个。',
  },
  'rank-exceeds-server-max': {
    title: 'LoRA 秩超过服务器上限',
    why: '服务器配置的 LoRA 秩上限更低。',
    fix: '把秩降到服务器上限或以下（8 或 32 是稳妥的默认值）。',
  },
  'sequence-conflict': {
    title: '训练请求顺序错乱',
    why: '服务器期望的序号与收到的不同：之前某次调用失败了，或者另一个客户端正在训练同一个模型。（回复在返回途中丢失的情况会自动处理：TuFT Studio 会重新同步，并且这一步只计一次。）',
    fix: '继续这次训练：它会从最近的检查点接着训练。',
  },
  'server-oom': {
    title: '服务器显存不足（OOM）',
    why: '这一批数据放不进 GPU 显存。',
    fix: '先降低最大长度（效果最明显），其次是批大小，最后是 LoRA 秩，然后从最近的检查点继续训练。',
  },
  'bad-datum': {
    title: '服务器拒绝了一个训练样本',
    why: '某个 Datum 格式有误（例如 weights 与 target_tokens 长度不一致）。',
    fix: '如果出现这种情况，说明数据处理流程有 bug；请附上错误信息反馈给我们。',
  },
  'server-error': {
    title: '服务器错误',
    why: 'TuFT 服务器处理请求时出错。',
    fix: '查看服务器日志；重试，或者从最近的检查点继续训练。',
  },
  timeout: {
    title: '服务器响应超时',
    why: '请求超时了。',
    fix: '确认服务器正在运行且没有过载，然后重试。',
  },
  'future-expired': {
    title: '服务器丢失了一个未完成的请求',
    why: '服务器在请求完成前重启了，或者取消了该请求。',
    fix: '从最近的检查点继续这次训练。',
  },
  'rate-limited': {
    title: '服务器繁忙',
    why: '服务器要求客户端放慢请求速度（429）。',
    fix: '请求会自动重试；稍等片刻，或减少同时进行的训练数量。',
  },
  'checkpoint-not-found': {
    title: '找不到检查点',
    why: '服务器找不到保存的训练状态（例如已被删除，或服务器的数据目录变了）。',
    fix: '重新开始一次训练，或者让服务器指回原来的数据目录。',
  },
  'run-not-found': {
    title: '找不到该训练运行',
    why: '本地存储中没有这个 ID 的训练运行。',
    fix: '从运行记录列表中选择一个。',
  },
  'run-not-resumable': {
    title: '这次训练无法继续',
    why: '只有已中断、失败、已停止或已暂停的训练才能继续；这次训练仍在运行或已经完成。',
    fix: '用相同的设置新建一次训练（复制配置）。',
  },
  'loss-diverged': {
    title: '损失变成 NaN 或发散',
    why: '对这个模型和数据来说，学习率太高了。',
    fix: '降低学习率（1e-4 → 5e-5 → 1e-5）或秩（32 → 8），然后从最后一个正常的检查点继续训练。',
  },
  'run-interrupted': {
    title: '训练被中断',
    why: '训练进行中，应用或服务器停止了。已有的曲线都保留着。',
    fix: '从最近的检查点继续训练。',
  },
  'run-name-taken': {
    title: '已有同名的训练运行',
    why: '训练运行的名称必须唯一，这样图表、图例和导出文件才总能区分开。',
    fix: '换一个名称（例如加上日期，或写明改了什么）。',
  },
  'store-error': {
    title: '本地存储出错',
    why: '无法读写本地数据库。',
    fix: '检查磁盘剩余空间以及数据目录（TUFT_STUDIO_HOME）的权限。',
  },
  'server-unsupported': {
    title: '这个服务器不支持该操作',
    why: '服务器没有实现这个调用，或者处理时返回了内部错误（TuFT 0.2 无法取消发布检查点：请求会被它的删除路由截走）。',
    fix: '升级 TuFT，或直接在服务器上操作；其他功能不受影响。',
  },
  'sandbox-port-taken': {
    title: '沙箱的端口已被占用',
    why: '本地沙箱被设为监听固定端口（在设置中，或通过 `npm run serve -- --sandbox-port P`），但已有别的程序在监听这个端口，可能是另一个 TuFT Studio 或 `npm run sandbox`。',
    fix: '停掉占用该端口的程序，或在“设置 → 本地沙箱”中换一个端口；把端口留空则由系统自动选择空闲端口。',
  },
  'tuft-not-installed': {
    title: '本机没有安装 TuFT',
    why: 'PATH（以及 TUFT_BIN）中找不到 `tuft` 命令，PATH 上的 Python 也无法导入 tuft 包。',
    fix: '在本机的 GPU 环境中安装 TuFT（`pip install tuft`），启动 TuFT Studio 前先激活该环境，或把 TUFT_BIN 设为 tuft 可执行文件的路径。也可以连接运行在其他机器上的 TuFT 服务器。',
  },
  'model-folder-invalid': {
    title: '模型目录不完整',
    why: 'TuFT 需要目录中有 config.json、tokenizer.json、tokenizer_config.json 和 *.safetensors 权重文件，并且每个权重文件的文件头都必须有效。',
    fix: '选择存放已下载模型的目录（例如用 `huggingface-cli download Qwen/Qwen3-4B-Instruct-2507 --local-dir …` 下载的目录）；提示为不完整的文件请重新下载。',
  },
  'local-server-port-taken': {
    title: '端口已被占用',
    why: '另一个程序（常常是另一个 TuFT 服务器）已经在监听这个端口，TuFT 无法绑定。',
    fix: '换一个端口，或者直接连接已经在该端口运行的服务器；如果那是你之前启动的旧服务器，先把它停掉。',
  },
  'local-server-gpu-oom': {
    title: '显存不足，无法加载模型',
    why: 'TuFT 启动时，模型本身、max_model_len 对应的 KV 缓存以及训练用的副本加起来放不进显存。',
    fix: '调低 max_model_len（效果最明显），使用更多 GPU（tensor_parallel_size），换一个更小的模型，或者释放被其他进程占用的显存（`nvidia-smi`）。',
  },
  'local-server-missing-weights': {
    title: '无法加载模型权重',
    why: 'TuFT 在模型路径下没有找到可用的权重文件（目录不对、下载不完整，或者在没有网络时填了 Hub 上的模型 id）。',
    fix: '把模型路径指向存放 *.safetensors 文件的本地目录，并重新下载提示为损坏的文件。',
  },
  'local-server-bad-config': {
    title: 'TuFT 拒绝了它的配置',
    why: 'tuft_config.yaml 无法解析，或者其中有 TuFT 不接受的值（也可能是已保存的状态是用另一份配置写入的）。',
    fix: '检查启动前展示的配置，改正日志中那一行指出的字段。',
  },
  'local-server-exited': {
    title: 'TuFT 在启动过程中退出了',
    why: 'TuFT 进程在通过健康检查之前就退出了。',
    fix: '查看随本提示显示的服务器日志最后几行，里面写明了原因。',
  },
  'local-server-start-timeout': {
    title: 'TuFT 没有按时就绪',
    why: '服务器进程一直在运行，但始终没有响应 /api/v1/healthz（大模型加载可能需要很多分钟）。',
    fix: '查看日志了解进度；重新启动并多等一会儿，或者先用一个更小的模型试试。',
  },
  'local-server-not-running': {
    title: '没有正在运行的本地 TuFT 服务器',
    why: 'TuFT Studio 没有它启动过的本地服务器的记录，或者那个服务器已经停止了。',
    fix: '在“连接服务器”一步启动一个（或运行 `npm run cli -- server launch --model-path DIR`）。',
  },
  'local-server-already-running': {
    title: '本地 TuFT 服务器已经在运行',
    why: 'TuFT Studio 之前启动过一个本地服务器，它仍在运行。',
    fix: '直接使用它；如果要换一套设置启动，先把它停掉。',
  },
  'disk-full': {
    title: '磁盘已满',
    why: '磁盘（或磁盘配额）已满，TuFT Studio 无法写入数据目录。之前保存的内容完好无损；正在训练的任务会被标记为已中断。',
    fix: '清理数据目录所在磁盘的空间（“设置 → 缓存”可以清除下载文件和缓存的数据集），或者设置 TUFT_STUDIO_HOME 指向更大磁盘上的目录后再启动 TuFT Studio，把数据目录换过去。然后重试，或从最近的检查点继续训练。',
  },
  'data-folder-not-writable': {
    title: '数据目录无法写入',
    why: '数据目录是只读的，或者 TuFT Studio 没有写入权限（例如只读挂载，或目录是另一个用户创建的）。',
    fix: '换一个数据目录：设置 TUFT_STUDIO_HOME 指向一个你有写权限的目录后再启动 TuFT Studio（或者修正当前目录的权限），然后重试或继续训练。',
  },
  'hf-bad-reply': {
    title: 'Hub 或镜像返回了 TuFT Studio 拒绝使用的内容',
    why: '返回内容中的 split、config 或文件名不是普通的名称（例如含有“../”），使用它可能会把文件写到数据目录之外。没有写入任何文件。',
    fix: '改用官方端点或其他你信任的镜像（设置 → Hugging Face），并告知该镜像的维护者。',
  },
  'dataset-not-a-file': {
    title: '不是数据文件',
    why: '这个路径是文件夹、管道、设备或其他特殊文件；数据集只能从单个普通文件导入。',
    fix: '直接选择 .jsonl、.json 或 .parquet 文件本身。',
  },
  'dataset-not-utf8': {
    title: '文件不是 UTF-8 文本',
    why: '文件是 UTF-16 或 UTF-32 编码（错误信息中写明了是哪一种），而 JSON 数据集按 UTF-8 读取。',
    fix: '把文件另存为 UTF-8（例如 `iconv -f UTF-16 -t UTF-8 in.jsonl > out.jsonl`，或在编辑器中“另存为… UTF-8”），再导入新文件。',
  },
  'tokenizer-worker-crashed': {
    title: '分词中止：分词线程崩溃了',
    why: '分词线程内存耗尽或崩溃次数过多，通常是因为对话特别长。应用仍在正常运行，没有保存任何做到一半的结果。',
    fix: '从数据集中去掉最长的那些对话（被跳过的行都列出来了），关闭其他占用大量内存的程序，然后重新分词。',
  },
}

export const KEY_HINTS_ZH_CN: Record<KeyHintCase, string> = {
  'missing-none': 'TuFT Studio 的设置中没有 API 密钥，也没有设置 TINKER_API_KEY。',
  'invalid-settings-env-differs':
    '发送的是 TuFT Studio 设置中的密钥；它的优先级高于 TINKER_API_KEY，而后者是另一个不同的密钥。请在设置中改正密钥，或者清除它以改用 TINKER_API_KEY。',
  'invalid-settings': '发送的是 TuFT Studio 设置中的密钥，请对照服务器上授权的密钥检查。',
  'invalid-env': '密钥来自环境变量 TINKER_API_KEY（设置中没有密钥）。请在设置中填入正确的密钥，或者改正 TINKER_API_KEY。',
}
