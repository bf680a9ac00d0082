import { readFileSync } from 'node:fs';
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
});
