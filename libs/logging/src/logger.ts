import { redact } from './redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, unknown>;
export type LogSink = (line: string) => void;

/**
 * JSON-lines logger with stable field names (`mac`, `correlationId`, `topic`, …). Every
 * record is redacted before it is serialised.
 */
export class Logger {
  constructor(
    private readonly context: LogFields,
    private readonly minLevel: LogLevel = 'info',
    private readonly sink: LogSink = (line) => process.stdout.write(line + '\n'),
  ) {}

  child(fields: LogFields): Logger {
    return new Logger({ ...this.context, ...fields }, this.minLevel, this.sink);
  }

  enabled(level: LogLevel): boolean {
    return LEVELS[level] >= LEVELS[this.minLevel];
  }

  debug(msg: string, fields?: LogFields): void {
    this.write('debug', msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.write('info', msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.write('warn', msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.write('error', msg, fields);
  }

  private write(level: LogLevel, msg: string, fields?: LogFields): void {
    if (!this.enabled(level)) return;
    const record = redact({ time: new Date().toISOString(), level, msg, ...this.context, ...fields });
    this.sink(JSON.stringify(record));
  }
}

export function createLogger(service: string, level: LogLevel = 'info', sink?: LogSink): Logger {
  return new Logger({ service }, level, sink);
}
