#!/usr/bin/env node
import { ExitCode } from './exit-code';
import { runCli } from './workpoint.cli';

// The only place that reads the environment and touches process.
runCli(
  process.argv.slice(2),
  { apiUrl: process.env['WORKPOINT_API_URL'], apiKey: process.env['WORKPOINT_API_KEY'], databaseUrl: process.env['DATABASE_URL'] },
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
