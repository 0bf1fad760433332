/**
 * The Tinker 0.25 wire protocol's binary half, shared by the TuFT client (src/main/core/tuft) and the sandbox
 * (src/sandbox): the `.proto`, the code protoc-gen-es generates from it (`npm run gen:proto`) and the raw tensor
 * reader. JSON bodies are validated by each side's own zod schemas.
 */
export * from './gen/tinker_public_pb'
export { dtypeItemSize, readTensorBytes } from './tensor-bytes'
