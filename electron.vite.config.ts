import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          // Worker-thread entry for tokenizeSplit; pool.ts loads it from next to the main bundle.
          'tokenize-worker': resolve(__dirname, 'src/main/core/tokenize/worker.ts'),
          // Worker-thread entry for the sandbox trainer; compute-pool.ts loads it from next to the main bundle.
          'sandbox-worker': resolve(__dirname, 'src/sandbox/model/compute-worker.ts'),
        },
        // Native and heavy Node packages stay external and are loaded from node_modules at run time.
        external: ['better-sqlite3', 'tokenizers', '@huggingface/transformers', 'onnxruntime-node', 'sharp'],
      },
    },
  },
  preload: {
    build: {
      // CommonJS so the renderer's sandbox can stay on (an ESM preload would require sandbox: false).
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    build: { rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } } },
    plugins: [react()],
  },
})
