import { Schema } from 'mongoose';

export const API_KEY = 'ApiKey';

/** `managed`: created by an operator (`npm run keys`, `POST /v1/keys`); `bootstrap`: BOOTSTRAP_API_KEY; `development`: the published key. */
export const API_KEY_KINDS = ['managed', 'bootstrap', 'development'] as const;
export type ApiKeyKind = (typeof API_KEY_KINDS)[number];

/** A service API key. Only its SHA-256 digest is stored: keys are long random strings, so a fast hash is safe. */
export interface ApiKeyDoc {
  _id: string; // hex SHA-256 of the key
  /** The public id an operator names the key by (`key_` and the digest's first 12 hex digits). */
  keyId: string;
  name: string;
  kind: ApiKeyKind;
  createdAt: Date;
  /** Updated at most once a minute per process, not on every request. */
  lastUsedAt: Date | null;
  /** A revoked key is kept, for the record, and refused. */
  revokedAt: Date | null;
}

export const ApiKeySchema = new Schema<ApiKeyDoc>(
  {
    _id: { type: String, required: true },
    keyId: { type: String, required: true },
    name: { type: String, required: true },
    kind: { type: String, enum: API_KEY_KINDS, required: true },
    createdAt: Date,
    lastUsedAt: { type: Date, default: null },
    revokedAt: { type: Date, default: null },
  },
  { versionKey: false, collection: 'api_keys' },
);
// Keys are looked up by digest (_id); the few management reads scan the small collection, so no secondary index.
