import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { CompiledPolicy, compilePolicy } from './compiled-policy';
import { PolicyDoc, policySchema } from './policy.schema';

/** A policy file that cannot be used; the message names the file, the rule and the field. */
export class PolicyError extends Error {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
    this.name = 'PolicyError';
  }
}

export interface PolicySet {
  get(product: string): CompiledPolicy | undefined;
  list(): CompiledPolicy[];
}

/** Validates a policy given as a plain object (e.g. parsed YAML, or a test's literal). */
export function parsePolicy(raw: unknown, file = '<inline>'): PolicyDoc {
  const result = policySchema.safeParse(raw);
  if (!result.success) {
    const messages = result.error.issues.map((i) => describeIssue(raw, narrowUnion(i)));
    throw new PolicyError(`${file}: ${messages.join('; ')}`, file);
  }
  return result.data as PolicyDoc;
}

/** Validates and compiles one policy object. */
export function loadPolicy(raw: unknown, file = '<inline>'): CompiledPolicy {
  return compilePolicy(parsePolicy(raw, file));
}

/** Builds a set from compiled policies; two policies for one product are an error. */
export function policySet(policies: CompiledPolicy[], files: string[] = []): PolicySet {
  const byProduct = new Map<string, CompiledPolicy>();
  policies.forEach((p, i) => {
    const file = files[i] ?? `<${p.product}>`;
    const other = byProduct.get(p.product);
    if (other)
      throw new PolicyError(
        `${file}: product '${p.product}' is already defined by ${files[policies.indexOf(other)] ?? 'another policy'}`,
        file,
      );
    byProduct.set(p.product, p);
  });
  const list = [...byProduct.values()];
  return { get: (product) => byProduct.get(product), list: () => list };
}

/** Reads, validates and compiles every `*.yaml` / `*.yml` file of a directory. */
export function loadPolicies(dir: string): PolicySet {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    throw new PolicyError(`${dir}: cannot read the policy directory (${(e as Error).message})`, dir);
  }
  const files = names
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f));
  const policies = files.map((file) => {
    const doc = parseDocument(readFileSync(file, 'utf8'), { prettyErrors: true });
    if (doc.errors.length) throw new PolicyError(`${file}: ${doc.errors[0].message}`, file);
    return loadPolicy(doc.toJS(), file);
  });
  return policySet(policies, files);
}

/** A union failure reports the branch that got furthest (e.g. `days.every`), not a bare "Invalid input". */
function narrowUnion(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== 'invalid_union' || !issue.errors.length) return issue;
  const depth = (b: z.core.$ZodIssue[]) => Math.max(...b.map((i) => i.path.length));
  const best = issue.errors.reduce((a, b) => (depth(b) > depth(a) ? b : a));
  if (best.length !== 1 || depth(best) === 0) return issue;
  return narrowUnion({ ...best[0], path: [...issue.path, ...best[0].path] } as z.core.$ZodIssue);
}

function describeIssue(raw: unknown, issue: z.core.$ZodIssue): string {
  const path = [...issue.path] as (string | number)[];
  let where = '';
  if (path[0] === 'rules' && typeof path[1] === 'number') {
    const type = (raw as { rules?: { type?: unknown }[] }).rules?.[path[1]]?.type;
    where = `rules[${path[1]}]${typeof type === 'string' ? ` (${type})` : ''}`;
    path.splice(0, 2);
  }
  const field = path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i ? `.${p}` : p)).join('');
  const sep = issue.code === 'custom' ? ' ' : ': ';
  const text = field ? `${field}${sep}${issue.message}` : issue.message;
  return where ? `${where}: ${text}` : text;
}
