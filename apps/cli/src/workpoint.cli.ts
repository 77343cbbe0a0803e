import { generateApiKey } from '@workpoint/http-api';
import { parseCliArgs, USAGE, type CliEnv } from './cli-args.parser';
import { ExitCode } from './exit-code';
import { runDlq } from './dlq.command';
import { runImport, type CliIo } from './import.command';
import { runKafkaTopics } from './kafka-topics.command';

/** The whole CLI behind main: arguments and environment in, output through io, exit status out. */
export async function runCli(argv: readonly string[], env: CliEnv, io: CliIo): Promise<ExitCode> {
  const command = parseCliArgs(argv, env);
  switch (command.kind) {
    case 'help':
      io.stdout(USAGE);
      return ExitCode.ok;
    case 'usage-error':
      io.stderr(`workpoint: ${command.message}\n\n${USAGE}`);
      return ExitCode.usage;
    case 'api-key':
      io.stdout(`${generateApiKey().key}\n`);
      return ExitCode.ok;
    case 'import':
      return runImport(command, io);
    case 'dlq-list':
    case 'dlq-show':
    case 'dlq-replay':
      return runDlq(command, io);
    case 'kafka-topics':
      return runKafkaTopics(command, io);
  }
}
