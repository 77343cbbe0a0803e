import { boundStrings, DEFAULT_LOG_MAX_LINE_BYTES, fitJsonString } from './bound';
import { redact } from './redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, unknown>;
export type LogSink = (line: string) => void;

export interface LoggerOptions {
  /** Longest line written (`LOG_MAX_LINE_BYTES`); longer records get their strings cut. */
  maxLineBytes?: number;
}

/**
 * JSON-lines logger with stable field names (`mac`, `correlationId`, `topic`, …). Every
 * record is redacted before it is serialised, and bounded: a line longer than `maxLineBytes`
 * is written again with its long strings cut (marked `…[truncated N chars]`, `truncated: true`),
 * so it stays one parsable JSON line whatever a phone or a message carried.
 */
export class Logger {
  constructor(
    private readonly context: LogFields,
    private readonly minLevel: LogLevel = 'info',
    private readonly sink: LogSink = (line) => process.stdout.write(line + '\n'),
    private readonly options: LoggerOptions = {},
  ) {}

  child(fields: LogFields): Logger {
    return new Logger({ ...this.context, ...fields }, this.minLevel, this.sink, this.options);
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
    const record = redact({ time: new Date().toISOString(), level, msg, ...this.context, ...fields }) as LogFields;
    this.sink(boundedLine(record, this.options.maxLineBytes ?? DEFAULT_LOG_MAX_LINE_BYTES));
  }
}

/** The record as one JSON line of at most maxBytes: strings cut ever shorter until it fits. */
function boundedLine(record: LogFields, maxBytes: number): string {
  const line = JSON.stringify(record);
  if (line.length <= maxBytes / 3 || Buffer.byteLength(line) <= maxBytes) return line;
  for (const cap of [Math.floor(maxBytes / 4), Math.floor(maxBytes / 16), 64]) {
    const cut = JSON.stringify({ ...(boundStrings(record, cap) as LogFields), truncated: true });
    if (Buffer.byteLength(cut) <= maxBytes) return cut;
  }
  // Too many fields even for short strings: keep what says what happened.
  const { time, level, msg, service } = record;
  return JSON.stringify({ time, level, service, msg: fitJsonString(String(msg), Math.floor(maxBytes / 2)), truncated: true, bytes: Buffer.byteLength(line) });
}

export function createLogger(service: string, level: LogLevel = 'info', sink?: LogSink, options: LoggerOptions = {}): Logger {
  return new Logger({ service }, level, sink, options);
}
