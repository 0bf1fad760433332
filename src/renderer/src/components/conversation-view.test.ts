import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import type { ChatMessageView } from '../../../shared/contract'
import { ConversationView } from './conversation-view'

const render = (messages: unknown[]): string =>
  renderToStaticMarkup(createElement(ConversationView, { label: 'row 3', messages: messages as ChatMessageView[] }))

describe('ConversationView', () => {
  it('renders role-labelled turns', () => {
    const html = render([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello' },
    ])
    expect(html).toContain('class="msg msg-user"')
    expect(html).toContain('>Hello<')
  })

  it('survives rows stored before roles were checked: an object role, a missing role, non-text content', () => {
    // What `__proto__` and `constructor` roles were stored as: {} and no role at all.
    const html = render([{ role: {}, content: 'x' }, { content: 'y' }, { role: 'assistant', content: { text: 'z' } }, null])
    expect(html.match(/data-testid="conversation"/g)).toHaveLength(1)
    expect(html).not.toContain('msg-[object')
    expect(html).toContain('msg msg-unknown')
    expect(html).toContain('{&quot;text&quot;:&quot;z&quot;}')
  })

  it('shows control characters escaped, keeping line breaks and tabs', () => {
    const html = render([{ role: 'user', content: 'a\u001b[2Jb\u202Ec\td\ne' }])
    expect(html).toContain('a\\u001b[2Jb\\u202ec\td\ne')
    expect(html).not.toContain('\u001b')
    expect(html).not.toContain('\u202E')
  })
})
