import js from '@eslint/js';
import { readdirSync } from 'node:fs';
import { URL } from 'node:url';
import tseslint from 'typescript-eslint';

// Who may depend on whom in src/: each folder and the folders it may import. Every folder but the pure core may
// use the base (shared infrastructure and the core); `types` are folders it may take types from only, `files`
// single plain files of other folders. A folder missing here stops the lint, so a new one gets its place.
const BASE = ['common', 'config', 'database', 'lifecycle'];
const DEPENDS_ON = {
  // The pure core (policies, planner, phases): plain functions over plain data, nothing else of src/.
  lifecycle: { base: false, pure: true, may: [] },
  // Shared infrastructure: used by every feature, knows none of them.
  common: { may: [] },
  config: { may: [] },
  database: { may: [] },
  // Pure rules of who receives what: the core, the shape of a member, the scope rule.
  recipients: { base: false, pure: true, may: ['lifecycle'], types: ['accounts'], files: ['resources/resource-scope'] },
  accounts: { may: [] },
  auth: { may: ['accounts', 'metrics'] },
  console: { may: [] },
  delivery: { may: ['accounts', 'inbox', 'notices', 'planning', 'policies', 'recipients', 'resources', 'subscriptions', 'templates'] },
  dev: { may: ['accounts', 'auth', 'delivery', 'events', 'scheduler', 'subscriptions'] },
  events: { may: ['accounts', 'metrics', 'notices', 'planning', 'policies', 'resources'] },
  health: { may: [] },
  inbox: { may: [] },
  // Counts events by outcome: the outcome's type, never the events code.
  metrics: { may: [], types: ['events'] },
  notices: { may: [] },
  planning: { may: ['accounts', 'notices', 'policies', 'resources'] },
  policies: { may: [] },
  preferences: { may: ['accounts', 'delivery', 'recipients', 'subscriptions', 'templates'] },
  resources: { may: ['accounts'] },
  retention: { may: ['delivery', 'events', 'inbox', 'metrics', 'notices', 'policies', 'resources'] },
  scheduler: { may: ['accounts', 'notices', 'planning', 'resources'] },
  subscriptions: { may: ['accounts', 'recipients'] },
  templates: { may: ['accounts'] },
  'test-clock': { may: [] },
  timeline: { may: ['accounts', 'delivery', 'notices', 'planning', 'resources'] },
};
const FOLDERS = Object.keys(DEPENDS_ON);
const unlisted = readdirSync(new URL('./src', import.meta.url), { withFileTypes: true })
  .filter((e) => e.isDirectory() && !FOLDERS.includes(e.name))
  .map((e) => `src/${e.name}`);
if (unlisted.length) throw new Error(`eslint.config.mjs: give ${unlisted.join(', ')} a place in DEPENDS_ON`);

// Import texts reaching a folder of src/ climb with ../ and then name it (there is no path alias).
const reaching = (folders, rest = '(/|$)') => `^(\\.\\./)+(${folders.join('|')})${rest}`;

function boundaryPatterns(folder) {
  const rule = DEPENDS_ON[folder];
  const own = [folder, ...(rule.base === false ? [] : BASE), ...rule.may];
  const typesOnly = rule.types ?? [];
  const fileFolders = (rule.files ?? []).map((f) => f.split('/')[0]);
  const barred = FOLDERS.filter((f) => !own.includes(f) && !typesOnly.includes(f) && !fileFolders.includes(f));
  return [
    ...(barred.length
      ? [{ regex: reaching(barred), message: `src/${folder} may not depend on this folder (see DEPENDS_ON in eslint.config.mjs).` }]
      : []),
    ...typesOnly.map((f) => ({
      regex: reaching([f]),
      allowTypeImports: true,
      message: `src/${folder} takes only types from src/${f}: use import type.`,
    })),
    ...(rule.files ?? []).map((file) => {
      const [f, name] = file.split('/');
      return { regex: reaching([f], `(/(?!${name}$)|$)`), message: `src/${folder} may import only ${file} from src/${f}.` };
    }),
    // A feature's sub-folders are its own: from outside, a sub-folder is imported only through its index
    // (common/ is a shared toolbox: all of it is for use).
    {
      regex: reaching(
        FOLDERS.filter((f) => f !== folder && f !== 'common'),
        '/[^/]+/',
      ),
      message: "This is inside another feature's sub-folder: import the sub-folder's index, or ask the feature to export it.",
    },
    // The local server's quirks stay in the database layer: repositories write through its collection.
    ...(folder === 'database'
      ? []
      : [
          {
            regex: '^(\\.\\./)+database/retry$',
            message: 'Busy retries belong to src/database: write through collectionOf (database/collection).',
          },
        ]),
    ...(rule.pure
      ? [{ regex: '^(@nestjs/|mongoose$|mongodb$)', message: `src/${folder} is pure: no Nest, no mongoose, no database driver.` }]
      : []),
  ];
}

// Test builders, fakes and test/ are for tests: production code that imports them fails the lint.
const TESTING_ONLY = [
  { regex: '^\\.{1,2}/(.*/)?testing(/|$)', message: 'Testing code is for specs and tests only.' },
  { regex: '^(\\.\\./)+test/', message: 'test/ is for tests only.' },
  { regex: '^@nestjs/testing$', message: 'Testing code is for specs and tests only.' },
];
const PRODUCTION = { ignores: ['src/**/*.spec.ts', 'src/**/testing/**'] };

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.cache/', '.data/', 'coverage/', 'test-artifacts/', 'src/console/static/vendor/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.cjs', '**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        __dirname: 'readonly',
        console: 'readonly',
        globalThis: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        performance: 'readonly',
        URL: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // The composition root (app.module, app, main) wires every folder; it still may not import testing code.
  { files: ['src/*.ts'], ...PRODUCTION, rules: { 'no-restricted-imports': ['error', { patterns: TESTING_ONLY }] } },
  // Each folder's production code keeps to its dependencies, stays out of other features' sub-folders, and the
  // pure core and recipients stay pure. Specs and testing code may reach wherever a test needs to.
  ...FOLDERS.map((folder) => ({
    files: [`src/${folder}/**/*.ts`],
    ...PRODUCTION,
    rules: { 'no-restricted-imports': ['error', { patterns: [...TESTING_ONLY, ...boundaryPatterns(folder)] }] },
  })),
  {
    // The console's page script: native ES modules run by the browser.
    files: ['src/console/static/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: {
        window: 'readonly',
        document: 'readonly',
        location: 'readonly',
        history: 'readonly',
        navigator: 'readonly',
        sessionStorage: 'readonly',
        localStorage: 'readonly',
        fetch: 'readonly',
        atob: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        URLSearchParams: 'readonly',
        Intl: 'readonly',
      },
    },
  },
);
