import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
};

export interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

/**
 * The console's static files, read once at start-up (a missing folder stops Herald, not the first visitor).
 * `version` is a digest of them all: asset URLs carry it, so browsers may cache them for good.
 */
export class StaticAssets {
  readonly files = new Map<string, Asset>();
  readonly version: string;

  constructor(readonly root: string) {
    const all = createHash('sha256');
    for (const rel of listFiles(root).sort()) {
      const body = readFileSync(path.join(root, rel));
      const digest = createHash('sha256').update(body).digest('hex');
      all.update(rel).update(digest);
      this.files.set(rel, { body, type: TYPES[path.extname(rel)] ?? 'application/octet-stream', etag: `"${digest.slice(0, 16)}"` });
    }
    if (!this.files.has('index.html')) throw new Error(`console: ${root}/index.html is missing`);
    this.version = all.digest('hex').slice(0, 12);
  }

  get(rel: string): Asset | undefined {
    return this.files.get(rel);
  }
}

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}
