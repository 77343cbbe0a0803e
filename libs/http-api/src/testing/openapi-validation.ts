import { spawn } from 'node:child_process';

export interface OpenApiValidationResult {
  valid: boolean;
  errors?: unknown;
}

// The validator is ESM-only and Jest runs specs as CommonJS (no --experimental-vm-modules),
// so it runs in a child Node process that reads the document on stdin.
const SCRIPT = `
const { Validator } = await import('@seriousme/openapi-schema-validator');
let input = '';
for await (const chunk of process.stdin) input += chunk;
const result = await new Validator().validate(JSON.parse(input));
process.stdout.write(JSON.stringify({ valid: result.valid, errors: result.errors }));
`;

/** Validates a document against the official OpenAPI schemas (3.0, 3.1, 3.2) via @seriousme/openapi-schema-validator. */
export function validateOpenApiDocument(document: object): Promise<OpenApiValidationResult> {
  return new Promise((resolve, reject) => {
    // cwd inside the workspace, so the bare specifier resolves from its node_modules.
    const child = spawn(process.execPath, ['--input-type=module', '-e', SCRIPT], { cwd: __dirname, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`OpenAPI validator exited with ${code}: ${stderr}`));
      else resolve(JSON.parse(stdout) as OpenApiValidationResult);
    });
    child.stdin.end(JSON.stringify(document));
  });
}
