import { ConfigError } from '../config.error';

/** The problems of the ConfigError `fn` throws (and fails the test when it throws none or another error). */
export function configProblemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
}
