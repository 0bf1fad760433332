import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'src/protocol/gen/**', 'docs/**', 'resources/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Real work must run under vitest, the CLIs and the browser bridge: no Electron in core or shared.
    files: ['src/main/core/**', 'src/shared/**', 'src/main/cli/**', 'src/main/bridge/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'core/shared code must not import electron' }] }],
    },
  },
  {
    // The sandbox and the shared Node layers stand alone: the wire protocol lives in src/protocol and Node helpers
    // in src/platform, so neither the sandbox nor those layers reach into the app.
    files: ['src/sandbox/**', 'src/protocol/**', 'src/platform/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'the sandbox and shared layers must not import electron' }],
          patterns: [{ group: ['**/main/**', '**/main'], message: 'import the wire protocol from src/protocol and Node helpers from src/platform' }],
        },
      ],
    },
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
)
