/**
 * The part of `@workpoint/stack` (tools/stack) the bench drives. Declared here and loaded at
 * run time rather than imported, so the bench builds and its ceiling target runs while the
 * stack package does not exist yet or fails to load; that failure is reported per target.
 */
export interface RunningStack {
  urls: string[];
  /** The operator REST API (routes under /api/v1) and an admin key for it; absent from older stacks. */
  apiUrl?: string;
  apiKey?: string;
  /** Embedded mode only: its embedded PostgreSQL. */
  databaseUrl?: string;
  stop(): Promise<void>;
}

export interface StackModule {
  startDistributed(opts: { kafkaBrokers: string; databaseUrl: string; gateways?: number; logDir?: string; env?: Record<string, string> }): Promise<RunningStack>;
  startEmbedded(opts: { dataDir: string; port?: number; logDir?: string; env?: Record<string, string> }): Promise<RunningStack>;
}

const STACK_PACKAGE = '@workpoint/stack';

export async function loadStack(): Promise<StackModule> {
  let loaded: unknown;
  try {
    // A variable specifier keeps tsc and Nx from treating the stack as a build-time dependency.
    const specifier: string = STACK_PACKAGE;
    loaded = await import(specifier);
  } catch (error) {
    throw new Error(
      `cannot load ${STACK_PACKAGE} (is tools/stack built and linked by npm install?): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const candidates = [loaded, (loaded as { default?: unknown } | undefined)?.default];
  for (const candidate of candidates) {
    if (isStackModule(candidate)) return candidate;
  }
  throw new Error(`${STACK_PACKAGE} does not export startDistributed and startEmbedded`);
}

function isStackModule(value: unknown): value is StackModule {
  const candidate = value as Partial<StackModule> | undefined;
  return typeof candidate?.startDistributed === 'function' && typeof candidate.startEmbedded === 'function';
}
