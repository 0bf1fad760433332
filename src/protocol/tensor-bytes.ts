import { DType } from './gen/tinker_public_pb'

/** Bytes per element of each wire dtype (PROTO §6.3); 0 for a dtype nobody may send. */
export const dtypeItemSize = (dtype: DType): number =>
  dtype === DType.DTYPE_INT64 ? 8 : dtype === DType.DTYPE_BFLOAT16 ? 2 : dtype === DType.DTYPE_FLOAT32 || dtype === DType.DTYPE_INT32 ? 4 : 0

/**
 * Reads a tensor's raw little-endian bytes (PROTO §6.3: no headers or length prefixes) as numbers. Shared by
 * the client (decoding results) and the sandbox (decoding requests), which only differ in how they report a
 * malformed tensor, so this returns the problem instead of throwing. DataView copes with the unaligned views
 * protobuf decoding hands out, so nothing is copied. bfloat16 is the upper half of a float32.
 */
export function readTensorBytes(bytes: Uint8Array, dtype: DType): { values: number[] } | { problem: string } {
  const size = dtypeItemSize(dtype)
  if (size === 0) return { problem: `Unsupported dtype: ${DType[dtype] ?? dtype}` }
  if (bytes.length % size !== 0)
    return { problem: `${DType[dtype]} tensor byte length ${bytes.length} is not a multiple of ${size}` }
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const n = bytes.length / size
  const out = new Array<number>(n)
  switch (dtype) {
    case DType.DTYPE_FLOAT32:
      for (let i = 0; i < n; i++) out[i] = v.getFloat32(i * 4, true)
      break
    case DType.DTYPE_INT32:
      for (let i = 0; i < n; i++) out[i] = v.getInt32(i * 4, true)
      break
    case DType.DTYPE_INT64:
      for (let i = 0; i < n; i++) out[i] = Number(v.getBigInt64(i * 8, true))
      break
    default: {
      const word = new DataView(new ArrayBuffer(4))
      for (let i = 0; i < n; i++) {
        word.setUint16(2, v.getUint16(i * 2, true), true)
        out[i] = word.getFloat32(0, true)
      }
    }
  }
  return { values: out }
}
