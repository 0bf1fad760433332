// TuFT / Tinker 0.25 client (issue 3). No Electron imports: runs under vitest, the CLIs and the bridge.
export {
  createTuftClient,
  keyInfoOf,
  toFailure,
  SDK_VERSION,
  type AdamParams,
  type CallOptions,
  type Capabilities,
  type Checkpoint,
  type CheckpointList,
  type ClientConfig,
  type ConnectionCheck,
  type HealthReport,
  type LoraModelOptions,
  type ModelInfo,
  type Pending,
  type SampleRequest,
  type SamplingClient,
  type SamplingParams,
  type SupportedModel,
  type TrainingModel,
  type TrainingRun,
  type TrainingRunList,
  type TuftClient,
  type TuftClientOptions,
} from './client'
export {
  parseCheckpointPath,
  type ArchiveUrl,
  type CheckpointRef,
  type OaiChatMessage,
  type OaiChatRequest,
  type OaiChatResult,
  type OaiModel,
  type RestCalls,
} from './rest'
export { discoverServer, normalizeBaseUrl, endpointUrl, addressFilePath, type DiscoveredServer, type ServerSource } from './discovery'
export { TuftError, errorFromResponse, type KeyInfo, type KeySource, type TuftErrorDetails } from './errors'
export {
  encodeForwardBackwardRequest,
  decodeForwardBackwardOutput,
  decodeSampleResponse,
  parseForwardBackwardJson,
  parseSampleJson,
  type ForwardBackwardResult,
  type LossFnOutput,
  type SampleResult,
  type SampledSequence,
  type TuftDatum,
} from './codec'
export { chunkDatums, combineForwardBackward, estimateDatumBytes } from './chunking'
export { type RetryPolicy } from './http'
