import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import noLiteralUiText from './eslint-rules/no-literal-ui-text.js'

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
    rules: {
      ...reactHooks.configs.recommended.rules,
      // Components read strings through useT(), which follows the chosen language; an import would freeze one.
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/shared/ui-strings', '**/shared/ui-strings.*'], message: 'read UI strings with useT() from src/renderer/src/i18n' }] }],
    },
  },
  {
    // Every user-visible string lives in the catalogues, in both languages (eslint-rules/no-literal-ui-text.js).
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/shared/ui-strings*.ts', 'src/shared/catalogue*.ts', '**/*.test.{ts,tsx}'],
    plugins: { studio: { rules: { 'no-literal-ui-text': noLiteralUiText } } },
    rules: { 'studio/no-literal-ui-text': 'error' },
  },
)
