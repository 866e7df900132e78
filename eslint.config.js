import tseslint from 'typescript-eslint';

// Type-aware lint of every TypeScript file in the project (tsconfig.json is the program).
export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'web/**',
      'content/**',
      'bin/**',
      'coverage/**',
      '.bench/**',
      'demo-evidence/**',
      'demo-case/**',
      'kahu-case-*/**',
      '**/*.js',
      '**/*.cjs',
      '**/*.mjs',
      '*.config.ts',
    ],
  },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  {
    files: ['**/*.ts'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: 'TSEnumDeclaration', message: 'Use string-literal unions, not enum.' },
        { selector: 'TSModuleDeclaration[kind="namespace"]', message: 'No namespaces.' },
      ],
    },
  },
  {
    // Tests may use loose typing on parsed JSON and mocks; the production rules above still apply to src/.
    files: ['**/*.test.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
);
