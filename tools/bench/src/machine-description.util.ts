import { readFileSync } from 'node:fs';
import * as os from 'node:os';

export interface MachineDescription {
  os: string;
  kernel: string;
  arch: string;
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
}

/** Enough to compare numbers from different runs; nothing that identifies the host. */
export function describeMachine(): MachineDescription {
  const cpus = os.cpus();
  return {
    os: distributionName() ?? `${os.type()} ${os.platform()}`,
    kernel: `${os.type()} ${os.release()}`,
    arch: os.arch(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
  };
}

function distributionName(): string | undefined {
  try {
    return /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}
