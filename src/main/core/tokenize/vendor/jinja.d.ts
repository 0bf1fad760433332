// Types of the vendored copy (see jinja.js): the API of the installed @huggingface/jinja.
export { Environment, Interpreter, Template, parse, tokenize } from '@huggingface/jinja'
export declare const VENDORED_JINJA_VERSION: string
