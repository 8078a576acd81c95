// Lint enforces the architecture (DESIGN.md §2): dependency direction between libs and apps, process.env only in
// libs/config, and no floating promises.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const LIBS = ['config', 'database', 'domain', 'queue', 'platforms', 'testing'];
const only = (...allowed) => {
  const forbidden = LIBS.filter((l) => !allowed.includes(l)).map((l) => `@app/${l}`);
  return {
    patterns: [
      ...(forbidden.length > 0 ? [{ group: forbidden, message: 'This import breaks the dependency direction of DESIGN.md §2.' }] : []),
      { group: ['**/apps/**'], message: 'Libraries never import apps.' },
    ],
  };
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.data/**', '**/*.mjs', 'scripts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read settings from libs/config.' }],
    },
  },
  { files: ['libs/config/**/*.ts'], rules: { 'no-restricted-properties': 'off', 'no-restricted-imports': ['error', only('config')] } },
  { files: ['libs/database/**/*.ts', 'libs/queue/**/*.ts', 'libs/platforms/**/*.ts'], rules: { 'no-restricted-imports': ['error', only('config')] } },
  { files: ['libs/domain/**/*.ts'], rules: { 'no-restricted-imports': ['error', only('config', 'database', 'queue', 'platforms')] } },
  { files: ['libs/testing/**/*.ts'], rules: { 'no-restricted-imports': ['error', only('config', 'database', 'domain', 'queue', 'platforms', 'testing')] } },
  { files: ['apps/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['@app/testing'], message: 'Test helpers stay out of apps.' }] }] } },
  { files: ['**/*.spec.ts', 'test/**/*.ts'], rules: { '@typescript-eslint/no-non-null-assertion': 'off' } },
);
