import { Template } from './vendor/jinja'
import type { MaskMessage } from './mask'

/** Template variables besides the messages: the tokenizer's special tokens (bos_token, eos_token, …). */
export type RenderContext = Record<string, string>

export type Renderer = (messages: readonly MaskMessage[], addGenerationPrompt?: boolean) => string

/**
 * Renders a chat template exactly as `@huggingface/transformers`' `apply_chat_template` does (same
 * `@huggingface/jinja`, same variables: messages, add_generation_prompt, tools, documents, special
 * tokens), compiled once. Workers use it so they need not load transformers; a test checks both agree.
 * It runs the vendored build of that same @huggingface/jinja (scripts/vendor-jinja.mjs), about 5x
 * faster on Node 20, since rendering is the largest cost of tokenizing after the Rust encoder.
 */
export function createRenderer(chatTemplate: string, context: RenderContext): Renderer {
  const template = new Template(chatTemplate)
  return (messages, addGenerationPrompt = false) =>
    template.render({ messages, add_generation_prompt: addGenerationPrompt, tools: null, documents: null, ...context })
}
