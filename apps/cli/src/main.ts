#!/usr/bin/env node
import { resolveSecretFiles } from '@workpoint/config';
import { ExitCode } from './exit-code';
import { runCli } from './workpoint.cli';

// The only place that reads the environment and touches process. The secrets may come from
// files (WORKPOINT_API_KEY_FILE, DATABASE_URL_FILE), as for the services.
const env = Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));
const secrets = resolveSecretFiles(env, ['WORKPOINT_API_KEY', 'DATABASE_URL']);
if (secrets.problems.length > 0) {
  process.stderr.write(`workpoint: ${secrets.problems.join('\nworkpoint: ')}\n`);
  process.exitCode = ExitCode.usage;
} else {
  runCli(
    process.argv.slice(2),
    { apiUrl: secrets.env['WORKPOINT_API_URL'], apiKey: secrets.env['WORKPOINT_API_KEY'], databaseUrl: secrets.env['DATABASE_URL'] },
    { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text), stderrIsTty: process.stderr.isTTY === true },
  ).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`workpoint: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = ExitCode.failure;
    },
  );
}
