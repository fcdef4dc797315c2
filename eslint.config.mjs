// Lint configuration: typescript-eslint's recommended rules, formatting left to Prettier, and the
// layers of the code base as import rules (src/core is pure; nothing imports from a layer above it).
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

const layer = (files, forbidden, message) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: [{ name: 'vscode', message }].filter(() => forbidden.includes('vscode')),
        patterns: forbidden.filter((f) => f !== 'vscode').map((group) => ({ group: [group], message })),
      },
    ],
  },
});

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.vscode-test/**', 'test/fixtures/**', 'test-results/**', 'media/**', '*.vsix'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  { files: ['bin/**/*.js'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  layer(
    ['src/core/**/*.ts'],
    ['vscode', '**/vscode/**', '**/cli/**', '**/engine/**', '**/bench/**', '**/test/**'],
    'src/core is pure: no VS Code, CLI, engine, benchmark or test code.',
  ),
  layer(
    ['src/engine/**/*.ts'],
    ['vscode', '**/vscode/**', '**/cli/**', '**/bench/**', '**/test/**'],
    'the engine runs outside VS Code and serves the CLI and the extension alike.',
  ),
  layer(['src/vscode/**/*.ts', 'src/extension.ts'], ['**/cli/**', '**/bench/**', '**/test/**'], 'the extension loads no CLI, benchmark or test code.'),
  prettier,
);
