import type { z } from 'zod';
import type { ValidationDetail } from './http-error';

type IssuePath = z.core.$ZodIssue['path'];

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `['items', 2, 'name']` under `body` → `body.items[2].name`; odd keys are quoted: `query["a b"]`. */
export function formatIssuePath(root: string, path: IssuePath): string {
  let out = root;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && IDENTIFIER.test(key)) out += `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

export function issueDetails(root: string, issues: readonly z.core.$ZodIssue[]): ValidationDetail[] {
  return issues.map((issue) => ({ path: formatIssuePath(root, issue.path), message: issue.message }));
}
