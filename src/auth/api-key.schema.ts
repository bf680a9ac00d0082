import { Schema } from 'mongoose';

export const API_KEY = 'ApiKey';

/** A service API key. Only its SHA-256 digest is stored: keys are long random strings, so a fast hash is safe. */
export interface ApiKeyDoc {
  _id: string; // hex SHA-256 of the key
  name: string;
  createdAt: Date;
}

export const ApiKeySchema = new Schema<ApiKeyDoc>(
  { _id: { type: String, required: true }, name: { type: String, required: true }, createdAt: Date },
  { versionKey: false, collection: 'api_keys' },
);
// Keys are looked up only by digest (_id); no secondary index.
