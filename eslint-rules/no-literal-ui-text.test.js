import { RuleTester } from 'eslint'
import tseslint from 'typescript-eslint'
import { describe, it } from 'vitest'
import rule from './no-literal-ui-text.js'

RuleTester.describe = describe
RuleTester.it = it
RuleTester.itOnly = it.only

const tester = new RuleTester({
  languageOptions: { parser: tseslint.parser, parserOptions: { ecmaFeatures: { jsx: true } } },
})

tester.run('no-literal-ui-text', rule, {
  valid: [
    'const a = <p>{t.connect.title}</p>',
    'const a = <p className="lead" data-testid="x-y">{t.x} · {n} / {m}</p>',
    'const a = <span className="brand-mark" aria-hidden="true">T</span>',
    "const a = <div>{mode === 'hub' && <Card />}</div>",
    "const a = <div>{busy ? t.a : t.b}</div>",
    'const a = <input type="text" name="server" placeholder={t.connect.urlPlaceholder} />',
    "const a = <td className=\"num\">{r.step}{r.total ? ` / ${r.total}` : ''}</td>",
    "const f = fail('server-oom', err.message, { details: { status: 422 } })",
    "const o = { title: 'x' }",
    "const c = <Card title={<>{t.a} <Badge>{t.b}</Badge></>} />",
  ],
  invalid: [
    { code: 'const a = <p>Loading the tokenizer</p>', errors: [{ messageId: 'jsxText' }] },
    { code: 'const a = <p>正在加载</p>', errors: [{ messageId: 'jsxText' }] },
    { code: "const a = <p>{busy ? 'Saving…' : t.save}</p>", errors: [{ messageId: 'literal' }] },
    { code: 'const a = <p>{`${n} runs`}</p>', errors: [{ messageId: 'literal' }] },
    { code: "const a = <p>{[a, b].join(' and ')}</p>", errors: [{ messageId: 'literal' }] },
    { code: 'const a = <th scope="col" aria-label="select" />', errors: [{ messageId: 'literal' }] },
    { code: 'const a = <input placeholder="Leave empty" />', errors: [{ messageId: 'literal' }] },
    { code: 'const a = <Field label={`Step ${i}`} />', errors: [{ messageId: 'literal' }] },
    { code: "const a = <img alt={x ?? 'chart'} />", errors: [{ messageId: 'literal' }] },
    { code: "const f = fail('invalid-api-key', msg, { hint: 'Set the right key in Settings.' })", errors: [{ messageId: 'hint' }] },
    { code: "const h = { title: 'Server error', why: reason, fix: `Retry ${n} times` }", errors: [{ messageId: 'hint' }, { messageId: 'hint' }] },
  ],
})
