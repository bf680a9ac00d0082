/** Path of the pinned `schemathesis` executable in .cache/venv, installed on first use. */
export function ensureSchemathesis(): string;
export const SCHEMATHESIS_VERSION: string;
export const VENV: string;
