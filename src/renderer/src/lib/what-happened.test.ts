import { describe, expect, it } from 'vitest'
import { englishWords } from '../../../../tests/helpers/english-prose'
import { i18nFor } from '../../../shared/i18n'
import { fail } from '../../../shared/result'
import { whatHappened } from './what-happened'

const zh = i18nFor('zh-CN')
const en = i18nFor('en')
const say = (b: typeof zh, ...a: Parameters<typeof fail>) => whatHappened(b.t, b.fmt, fail(...a))

describe('whatHappened', () => {
  it('words a hub failure from its URL and system error, and quotes the system’s own text', () => {
    const details = { url: 'https://huggingface.co/api/datasets/x/y', errno: 'ENETUNREACH', cause: 'fetch failed: connect ENETUNREACH' }
    const z = say(zh, 'hf-unreachable', 'Cannot reach https://huggingface.co/api/datasets/x/y (Network is unreachable): fetch failed', { details })
    expect(z).toEqual({ text: '无法连接 https://huggingface.co/api/datasets/x/y：网络不可达。', quote: { label: '原始报错：', text: details.cause, inline: false } })
    expect(englishWords(`${z?.text} ${z?.quote?.label}`)).toEqual([])
    expect(say(en, 'hf-timeout', 'Timed out', { details: { url: 'https://hf-mirror.com/x' } })).toEqual({ text: 'https://hf-mirror.com/x did not answer in time.', quote: null })
    expect(say(zh, 'hf-unreachable', 'HTTP 502', { details: { url: 'https://hf-mirror.com/x', status: 502 } })?.text).toBe('https://hf-mirror.com/x 返回了 HTTP 502。')
  })

  it('quotes a TuFT server’s reply after the status, leaving the title to say what it is', () => {
    const z = say(zh, 'server-oom', 'retrieve_future: The server ran out of memory (HTTP 422: CUDA out of memory)', { details: { status: 422, serverMessage: 'CUDA out of memory' } })
    expect(z).toEqual({ text: '', quote: { label: '服务器返回 HTTP 422：', text: 'CUDA out of memory', inline: true } })
  })

  it('words a dataset without usable rows by its reasons and first example, in the reader’s language', () => {
    const rejections = [{ reason: 'empty-content', count: 3, examples: [{ split: 'train', row: 2, excerpt: '{}', detail: 'turn 2 (assistant) is empty', fact: { kind: 'turn-empty', turn: 2, role: 'assistant' } }] }]
    const z = say(zh, 'dataset-no-usable-rows', 'No usable rows in chat: empty-content ×3', { details: { name: 'chat', rejections } })
    expect(z?.text).toBe('chat 中没有可用的行：某条用户或助手消息为空（3 行）。例如 train 第 2 行：第 2 轮（助手）内容为空。')
    expect(say(en, 'dataset-no-usable-rows', '…', { details: { name: 'chat', rejections } })?.text).toBe(
      'chat has no usable rows: A user or assistant turn is empty ×3. For example train, row 2: turn 2 (assistant) is empty.',
    )
  })

  it('leaves failures it has no facts for to main’s message', () => {
    expect(say(zh, 'internal', 'boom')).toBeNull()
    expect(say(zh, 'hf-unreachable', 'no url')).toBeNull()
    expect(say(zh, 'dataset-no-usable-rows', 'No usable rows in x (the file has no rows)', { details: { name: 'x', rejections: [] } })).toBeNull()
  })
})
