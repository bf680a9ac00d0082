import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureSchemathesis } from '../../../scripts/python-tools.cjs';

export const SCHEMATHESIS_CONFIG = path.join(__dirname, 'schemathesis.toml');

export interface SchemathesisRun {
  exitCode: number;
  /** From the SUMMARY banner to the end. */
  summary: string;
  /** The FAILURES and ERRORS sections, empty when there are none. */
  problems: string;
}

/**
 * One schemathesis run over every operation of the served OpenAPI document, sending `header` with each
 * request. One worker: parallel workers now and then trip a CPython 3.11 fault in `ast.parse` (an
 * "AST constructor recursion depth mismatch" SystemError) inside Hypothesis, which fails the run.
 */
export function runSchemathesis(options: {
  openApiUrl: string;
  header: string;
  maxExamples: number;
  seed: number;
}): Promise<SchemathesisRun> {
  const exe = ensureSchemathesis();
  const args = [
    '--config-file',
    SCHEMATHESIS_CONFIG,
    'run',
    options.openApiUrl,
    '--checks',
    'not_a_server_error,response_schema_conformance',
    '--max-examples',
    String(options.maxExamples),
    '--seed',
    String(options.seed),
    '--workers',
    '1',
    '--request-timeout',
    '30',
    '--no-color',
    '--header',
    options.header,
  ];
  // Hypothesis and schemathesis keep caches in the working directory: a scratch one keeps the repository clean.
  const cwd = mkdtempSync(path.join(tmpdir(), 'herald-schemathesis-'));
  return new Promise((resolve) => {
    execFile(exe, args, { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      rmSync(cwd, { recursive: true, force: true });
      const output = `${stdout}${stderr}`;
      const exitCode = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({
        exitCode,
        summary: withoutBanners(section(output, 'SUMMARY', null) || output.slice(-4000)),
        problems: section(output, 'FAILURES|ERRORS', 'WARNINGS|SUMMARY'),
      });
    });
  });
}

/**
 * The summary without its `==== … ====` banner lines: the closing one ("2 warnings in 36s") reads like a
 * pytest run of no tests to anything that scans the test output for a runner's closing line.
 */
function withoutBanners(text: string): string {
  return text
    .split('\n')
    .filter((line) => !/^=+ .* =+$/.test(line.trim()))
    .join('\n')
    .trim();
}

/** The text from a `==== NAME ====` banner up to the next banner named by `until` (or the end). */
function section(output: string, names: string, until: string | null): string {
  const start = output.search(new RegExp(`^=+ (${names}) =+$`, 'm'));
  if (start < 0) return '';
  const rest = output.slice(start);
  const end = until ? rest.slice(1).search(new RegExp(`^=+ (${until}) =+$`, 'm')) : -1;
  return (end < 0 ? rest : rest.slice(0, end + 1)).trimEnd();
}
