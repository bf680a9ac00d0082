export interface LocalDb {
  uri: string;
  kind: 'external' | 'mongod' | 'ferretdb';
  port?: number;
  dataDir?: string;
  pid?: number;
  stop(): Promise<void>;
}
export function startLocalDb(options?: { name?: string; fresh?: boolean; port?: number }): Promise<LocalDb>;
export function ensureFerretDb(): string;
export function freePort(): Promise<number>;
export const FERRETDB_VERSION: string;
/** The FerretDB version plus the hash of scripts/ferretdb.patch, as the built binary reports it. */
export const FERRETDB_BUILD: string;
