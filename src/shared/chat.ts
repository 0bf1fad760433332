/** The chat shapes every area agrees on: datasets produce them, the tokenizer renders them, the UI previews them. */
export const CHAT_ROLES = ['system', 'user', 'assistant', 'tool'] as const

export type ChatRole = (typeof CHAT_ROLES)[number]

export type ChatMessage = { role: ChatRole; content: string }

export type Conversation = { messages: ChatMessage[] }

export const isChatRole = (x: unknown): x is ChatRole =>
  typeof x === 'string' && (CHAT_ROLES as readonly string[]).includes(x)
