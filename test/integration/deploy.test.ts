import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ENV_VARIABLES } from '../../src/config/config';

const root = path.join(__dirname, '..', '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml'));

  it('runs mongo:7 with a health check and a volume', () => {
    const mongo = compose.services.mongo;
    expect(mongo.image).toBe('mongo:7');
    expect(mongo.healthcheck.test.join(' ')).toContain('ping');
    expect(mongo.volumes[0]).toMatch(/^mongo-data:\/data\/db$/);
    expect(compose.volumes).toHaveProperty('mongo-data');
  });

  it('runs Mailpit and wires Herald to both by environment variables', () => {
    expect(compose.services.mailpit.image).toMatch(/^axllent\/mailpit/);
    const herald = compose.services.herald;
    expect(herald.build).toBe('.');
    expect(herald.depends_on.mongo.condition).toBe('service_healthy');
    expect(herald.environment.MONGODB_URI).toBe('mongodb://mongo:27017/herald');
    expect(herald.environment.SMTP_URL).toBe('smtp://mailpit:1025');
    expect(herald.environment.NODE_ENV).toBe('production');
  });

  it('only sets variables Herald knows', () => {
    for (const name of Object.keys(compose.services.herald.environment)) expect(ENV_VARIABLES).toContain(name);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');

  it('builds in one stage and runs in another as a non-root user', () => {
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^FROM .* AS build$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toContain('COPY --from=build');
  });

  it("ships the console's static files, which the build does not copy", () => {
    expect(dockerfile).toMatch(/^COPY .*src\/console\/static \.\/src\/console\/static$/m);
  });
});

describe('README', () => {
  const readme = read('README.md');

  it('documents every environment variable', () => {
    for (const name of ENV_VARIABLES) expect(readme).toContain(`\`${name}\``);
  });

  it('gives the start and test commands on its first screen', () => {
    const firstScreen = readme.split('\n').slice(0, 40).join('\n');
    expect(firstScreen).toContain('npm start');
    expect(firstScreen).toContain('npm test');
  });

  describe('keeps the README a front door', () => {
    it('is at most 250 lines', () => {
      expect(readme.trimEnd().split('\n').length).toBeLessThanOrEqual(250);
    });

    it('names every folder of src/ in its folder map', () => {
      const folders = readdirSync(path.join(root, 'src'), { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name);
      expect(folders.filter((name) => !readme.includes(`${name}/`))).toEqual([]);
    });

    it('carries no dated figure: no YYYY-MM-DD outside code blocks (history lives in CHANGELOG.md)', () => {
      const dates = outsideCodeBlocks(readme).match(/\b\d{4}-\d{2}-\d{2}\b/g) ?? [];
      expect(dates).toEqual([]);
    });

    it('has every relative link of README.md, CHANGELOG.md and docs/**/*.md resolve to a file (and heading)', () => {
      const pages = [
        'README.md',
        'CHANGELOG.md',
        ...readdirSync(path.join(root, 'docs'), { recursive: true, encoding: 'utf8' })
          .filter((f) => f.endsWith('.md'))
          .map((f) => path.join('docs', f)),
      ];
      const broken = pages.flatMap((page) => brokenLinks(page));
      expect(broken).toEqual([]);
    });
  });
});

/** The text of a markdown page without its fenced code blocks. */
function outsideCodeBlocks(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
}

/** GitHub's anchors of a page's headings (lower case, punctuation dropped, spaces as '-', repeats numbered). */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const [, heading] of outsideCodeBlocks(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = heading
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    result.add(n ? `${slug}-${n}` : slug);
  }
  return result;
}

/** The relative links of a page (repository path) whose file, or heading, does not exist. */
function brokenLinks(page: string): string[] {
  const text = outsideCodeBlocks(read(page)).replace(/`[^`\n]*`/g, '');
  const broken: string[] = [];
  for (const [, target] of text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
    const [file, anchor] = target.split('#');
    const resolved = file ? path.join(path.dirname(page), decodeURIComponent(file)) : page;
    if (!existsSync(path.join(root, resolved))) broken.push(`${page}: ${target}`);
    else if (anchor && resolved.endsWith('.md') && !anchors(read(resolved)).has(anchor.toLowerCase()))
      broken.push(`${page}: ${target} (no such heading)`);
  }
  return broken;
}
