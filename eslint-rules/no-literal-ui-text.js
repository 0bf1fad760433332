/**
 * ESLint rule: user-visible text comes from the catalogues (src/shared/ui-strings*.ts, catalogue*.ts), never
 * from a string literal written where it is shown. Reports:
 *   - JSX text with letters (`<p>Loading</p>`), outside `aria-hidden="true"` decoration;
 *   - string literals and templates with letters rendered as JSX children (`{busy ? 'Saving' : label}`);
 *   - the same in user-visible attributes and props (aria-label, title, placeholder, alt, label, help, …);
 *   - hint prose written outside the hint catalogue: a literal `hint:` (a Failure's own advice) or the
 *     `title` / `why` / `fix` of a hint-shaped object.
 * Letters of any script count (Latin or Chinese). Conditions are not rendered and are not checked
 * (`{mode === 'hub' && …}`), nor are ids, class names and test ids.
 */

/** Attributes and component props whose value the user reads or hears. */
const VISIBLE_PROPS = new Set([
  'aria-label',
  'aria-description',
  'aria-placeholder',
  'aria-roledescription',
  'aria-valuetext',
  'title',
  'placeholder',
  'alt',
  'label',
  'ariaLabel',
  'intro',
  'help',
  'error',
  'detail',
  'continueLabel',
  'cutLabel',
  'yName',
])

const HINT_PARTS = new Set(['title', 'why', 'fix'])

const hasLetters = (s) => /\p{L}/u.test(s)

/** The literal pieces of an expression that end up rendered, skipping conditions and function bodies. */
function renderedLiterals(node, out = []) {
  if (!node) return out
  switch (node.type) {
    case 'Literal':
      if (typeof node.value === 'string') out.push({ node, text: node.value })
      break
    case 'TemplateLiteral':
      out.push({ node, text: node.quasis.map((q) => q.value.cooked ?? '').join(' ') })
      for (const e of node.expressions) renderedLiterals(e, out)
      break
    case 'ConditionalExpression':
      renderedLiterals(node.consequent, out)
      renderedLiterals(node.alternate, out)
      break
    case 'LogicalExpression':
      // `cond && 'x'` renders only the right side; `a ?? 'x'` and `a || 'x'` may render either.
      if (node.operator !== '&&') renderedLiterals(node.left, out)
      renderedLiterals(node.right, out)
      break
    case 'BinaryExpression':
      if (node.operator === '+') {
        renderedLiterals(node.left, out)
        renderedLiterals(node.right, out)
      }
      break
    case 'ArrayExpression':
      for (const e of node.elements) renderedLiterals(e, out)
      break
    case 'CallExpression':
      // `[a, 'b'].join(' and ')`: the array and the separator are both shown.
      if (node.callee.type === 'MemberExpression' && node.callee.property.type === 'Identifier' && node.callee.property.name === 'join') {
        renderedLiterals(node.callee.object, out)
        for (const a of node.arguments) renderedLiterals(a, out)
      }
      break
    case 'TSAsExpression':
    case 'TSNonNullExpression':
    case 'TSSatisfiesExpression':
      renderedLiterals(node.expression, out)
      break
    default:
      break
  }
  return out
}

const attrName = (a) => (a.name.type === 'JSXNamespacedName' ? `${a.name.namespace.name}:${a.name.name.name}` : a.name.name)

/** Inside an element marked aria-hidden="true" (e.g. a logo letter): decoration, not text. */
function insideAriaHidden(node) {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type !== 'JSXElement') continue
    const hidden = p.openingElement.attributes.find((a) => a.type === 'JSXAttribute' && attrName(a) === 'aria-hidden')
    if (hidden && (hidden.value === null || (hidden.value.type === 'Literal' && hidden.value.value === 'true') || (hidden.value.type === 'JSXExpressionContainer' && hidden.value.expression.value === true))) return true
  }
  return false
}

const propKey = (p) => (p.key.type === 'Identifier' ? p.key.name : p.key.type === 'Literal' ? String(p.key.value) : null)

/** @type {import('eslint').Rule.RuleModule} */
export default {
  meta: {
    type: 'problem',
    docs: { description: 'user-visible text must come from the UI or hint catalogue (both languages), not a literal' },
    messages: {
      jsxText: 'Text "{{text}}" is written in JSX: add it to ui-strings.ts and ui-strings.zh-cn.ts and read it with useT().',
      literal: 'String "{{text}}" is rendered: add it to ui-strings.ts and ui-strings.zh-cn.ts and read it with useT().',
      hint: 'Hint prose "{{text}}" is written outside the catalogue: add it to catalogue.ts and catalogue.zh-cn.ts.',
    },
    schema: [],
  },
  create(context) {
    const short = (s) => (s.length > 40 ? `${s.slice(0, 37)}…` : s).trim()
    const checkRendered = (expr) => {
      for (const { node, text } of renderedLiterals(expr)) if (hasLetters(text)) context.report({ node, messageId: 'literal', data: { text: short(text) } })
    }
    return {
      JSXText(node) {
        if (hasLetters(node.value) && !insideAriaHidden(node)) context.report({ node, messageId: 'jsxText', data: { text: short(node.value.replace(/\s+/g, ' ')) } })
      },
      JSXExpressionContainer(node) {
        if ((node.parent.type === 'JSXElement' || node.parent.type === 'JSXFragment') && !insideAriaHidden(node)) checkRendered(node.expression)
      },
      JSXAttribute(node) {
        if (!VISIBLE_PROPS.has(attrName(node)) || !node.value) return
        if (node.value.type === 'Literal') checkRendered(node.value)
        else if (node.value.type === 'JSXExpressionContainer') checkRendered(node.value.expression)
      },
      Property(node) {
        const key = propKey(node)
        if (key === null || node.parent.type !== 'ObjectExpression') return
        const siblings = new Set(node.parent.properties.filter((p) => p.type === 'Property').map(propKey))
        const hintShaped = HINT_PARTS.has(key) && [...HINT_PARTS].filter((k) => siblings.has(k)).length >= 2
        if (key !== 'hint' && !hintShaped) return
        for (const { node: lit, text } of renderedLiterals(node.value)) if (hasLetters(text)) context.report({ node: lit, messageId: 'hint', data: { text: short(text) } })
      },
    }
  },
}
