import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

interface Problem {
  ruleId: string | null;
  message: string;
}

/**
 * Lints each snippet as if it were the file at its path, with the repository's eslint.config.mjs, through ESLint's
 * Node API. In a child process: the config is an ES module, which jest's module sandbox cannot load.
 */
function lint(files: { filePath: string; code: string }[]): Promise<Problem[][]> {
  const script = `
    const { ESLint } = require('eslint');
    let input = '';
    process.stdin.on('data', (d) => (input += d)).on('end', async () => {
      const eslint = new ESLint({ cwd: process.cwd() });
      const out = [];
      for (const f of JSON.parse(input)) {
        const [result] = await eslint.lintText(f.code, { filePath: f.filePath });
        out.push(result.messages.map((m) => ({ ruleId: m.ruleId, message: m.message })));
      }
      process.stdout.write(JSON.stringify(out));
    });`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(stdout)) : reject(new Error(`eslint exited ${code}: ${stderr}`))));
    child.stdin.end(JSON.stringify(files));
  });
}

const CASES = {
  templateImportsDelivery: {
    filePath: 'src/templates/preview-mail.ts',
    code: "import { DeliveryRepository } from '../delivery/delivery.repository';\nexport const used = [DeliveryRepository];\n",
  },
  productionImportsBuilder: {
    filePath: 'src/policies/sample.ts',
    code: "import { aResourceState } from '../lifecycle/testing/builders';\nexport const used = [aResourceState];\n",
  },
  specImportsBuilder: {
    filePath: 'src/policies/sample.spec.ts',
    code: "import { aResourceState } from '../lifecycle/testing/builders';\nexport const used = [aResourceState];\n",
  },
  productionImportsTestSupport: {
    filePath: 'src/dev/seed-more.ts',
    code: "import { startTestApp } from '../../test/support/app';\nexport const used = [startTestApp];\n",
  },
  coreImportsNestAndClock: {
    filePath: 'src/lifecycle/planner-extra.ts',
    code: "import { Injectable } from '@nestjs/common';\nimport { Clock } from '../common/clock';\nexport const used = [Injectable, Clock];\n",
  },
  recipientsImportsRepository: {
    filePath: 'src/recipients/lookup.ts',
    code: "import { MemberRepository } from '../accounts/member.repository';\nexport const used = [MemberRepository];\n",
  },
  commonImportsFeature: {
    filePath: 'src/common/auth/more.ts',
    code: "import { AccountRepository } from '../../accounts/account.repository';\nexport const used = [AccountRepository];\n",
  },
  reachesIntoChannels: {
    filePath: 'src/preferences/bind.ts',
    code: "import { WeChatClient } from '../delivery/channels/wechat/wechat.client';\nexport const used = [WeChatClient];\n",
  },
  allowed: {
    filePath: 'src/delivery/render-step.ts',
    code: [
      "import { TemplateRegistry } from '../templates/template-registry';",
      "import type { RenderedMessage } from '../templates/rendered-message';",
      "import { planTimeline } from '../lifecycle';",
      "import { PlanningService } from '../planning/planning.service';",
      'export type Rendered = RenderedMessage;',
      'export const used = [TemplateRegistry, planTimeline, PlanningService];',
      '',
    ].join('\n'),
  },
  repositoryRetriesItself: {
    filePath: 'src/accounts/account.repository.ts',
    code: "import { retryBusy } from '../database/retry';\nexport const used = [retryBusy];\n",
  },
  throughIndex: {
    filePath: 'src/preferences/bind.ts',
    code: "import { WeChatOAuthClient } from '../delivery/channels';\nexport const used = [WeChatOAuthClient];\n",
  },
};
type Case = keyof typeof CASES;

describe('lint: dependency boundaries of src/', () => {
  const problems = {} as Record<Case, Problem[]>;

  beforeAll(async () => {
    const names = Object.keys(CASES) as Case[];
    const results = await lint(names.map((n) => CASES[n]));
    names.forEach((n, i) => (problems[n] = results[i]));
  }, 60_000);

  const restricted = (c: Case) => problems[c].filter((p) => p.ruleId === 'no-restricted-imports').map((p) => p.message);

  it('fails a template that imports from delivery/', () => {
    expect(restricted('templateImportsDelivery')).toEqual([expect.stringContaining('src/templates may not depend on this folder')]);
  });

  it('fails production code that imports a test builder, and passes a spec that does', () => {
    expect(restricted('productionImportsBuilder')).toContainEqual(expect.stringContaining('Testing code is for specs and tests only'));
    expect(problems.specImportsBuilder).toEqual([]);
  });

  it('fails production code that imports from test/', () => {
    expect(restricted('productionImportsTestSupport')).toEqual([expect.stringContaining('test/ is for tests only')]);
  });

  it('fails the pure core importing Nest or a clock of its own', () => {
    expect(restricted('coreImportsNestAndClock')).toEqual([
      expect.stringContaining('src/lifecycle is pure'),
      expect.stringContaining('src/lifecycle may not depend on this folder'),
    ]);
  });

  it('fails recipients importing a repository, and common importing a feature', () => {
    expect(restricted('recipientsImportsRepository')).toEqual([
      expect.stringContaining('src/recipients takes only types from src/accounts'),
    ]);
    expect(restricted('commonImportsFeature')).toEqual([expect.stringContaining('src/common may not depend on this folder')]);
  });

  it("fails reaching into another feature's sub-folder, and passes its index", () => {
    expect(restricted('reachesIntoChannels')).toEqual([expect.stringContaining("inside another feature's sub-folder")]);
    expect(problems.throughIndex).toEqual([]);
  });

  it("fails a repository that retries the local server's busy writes itself", () => {
    expect(restricted('repositoryRetriesItself')).toEqual([expect.stringContaining('Busy retries belong to src/database')]);
  });

  it('passes the imports a folder may make', () => {
    expect(problems.allowed).toEqual([]);
  });
});
