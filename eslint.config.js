import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.converse/', 'coverage/', 'console/dist/', 'console/src/api/schema.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // process.env is read in exactly one place (src/config.ts); everything else gets config passed in.
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through src/config.ts' }],
    },
  },
  { files: ['src/config.ts', 'test/**', 'bench/**', 'vitest.config.ts', 'bin/**', 'console/vite.config.ts'], rules: { 'no-restricted-properties': 'off' } },
  {
    // No focused tests: `.only` silently turns the rest of a file off. (Tests without assertions fail at
    // run time instead: test/setup/assertions.ts.)
    files: ['**/*.test.ts', 'test/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.name=/^(it|test|describe|suite|bench)$/][property.name='only']", message: 'Focused test (.only): remove it before committing.' },
        { selector: "MemberExpression[object.object.name=/^(it|test|describe|suite)$/][property.name='only']", message: 'Focused test (.only): remove it before committing.' },
      ],
    },
  },
);
