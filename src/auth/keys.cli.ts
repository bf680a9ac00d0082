import mongoose from 'mongoose';
import { text } from '../common/validation';
import { ApiKeyRepository } from './api-key.repository';
import { API_KEY, ApiKeyDoc, ApiKeySchema } from './api-key.schema';

const USAGE = `usage: npm run keys -- <command>   (against the database at MONGODB_URI)
  list                      every key: id, kind, name, created, last used, revoked
  create --name "<name>"    a new key, printed once (store it now: only its digest is kept)
  revoke <key id>           refuse the key from now on (running instances within 10 s)`;

/** `npm run keys`: service key management for operators, straight against the database, with the same repository the API uses. */
export async function runKeysCommand(argv: string[], env: NodeJS.ProcessEnv, out: (line: string) => void): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    out(USAGE);
    return command ? 0 : 2;
  }
  if (!env.MONGODB_URI) {
    out('MONGODB_URI is not set: point it at the database Herald uses');
    return 2;
  }
  const connection = await mongoose.createConnection(env.MONGODB_URI, { serverSelectionTimeoutMS: 10_000 }).asPromise();
  try {
    const keys = new ApiKeyRepository(connection.model<ApiKeyDoc>(API_KEY, ApiKeySchema));
    await keys.upgradeLegacy();
    const now = new Date();
    switch (command) {
      case 'list': {
        const all = await keys.list();
        if (!all.length) out('no keys');
        for (const k of all)
          out(
            [
              k.id,
              k.kind.padEnd(11),
              k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active',
              `created ${k.createdAt.toISOString()}`,
              `last used ${k.lastUsedAt?.toISOString() ?? 'never'}`,
              JSON.stringify(k.name),
            ].join('  '),
          );
        return 0;
      }
      case 'create': {
        const at = rest.indexOf('--name');
        const name = at >= 0 ? rest[at + 1]?.trim() : undefined;
        if (!name || !text.max(100).safeParse(name).success) {
          out('create needs --name "<name>" (1 to 100 characters, no control characters)');
          return 2;
        }
        const { key, info } = await keys.create(name, now);
        out(`created ${info.id} (${JSON.stringify(info.name)})`);
        out(`key: ${key}`);
        out('This is the only time the key is shown. Send it as the X-Api-Key header.');
        return 0;
      }
      case 'revoke': {
        const id = rest[0];
        if (!id) {
          out('revoke needs a key id (see `npm run keys -- list`)');
          return 2;
        }
        const result = await keys.revoke(id, now);
        out(
          result === 'revoked'
            ? `revoked ${id}; running instances refuse it within 10 s`
            : result === 'already'
              ? `${id} was already revoked`
              : `no key ${id}`,
        );
        return result === 'missing' ? 1 : 0;
      }
      default:
        out(`unknown command "${command}"\n${USAGE}`);
        return 2;
    }
  } finally {
    await connection.close();
  }
}

if (require.main === module) {
  runKeysCommand(process.argv.slice(2), process.env, (line) => process.stdout.write(`${line}\n`)).then(
    (code) => process.exit(code),
    (err: Error) => {
      process.stderr.write(`keys: ${err.message}\n`);
      process.exit(1);
    },
  );
}
