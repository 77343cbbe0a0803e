export * from './stack';
export * from './app-process';
export * from './free-port';
export * from './infra-process';
export * from './kill-matrix/fleet.check';
export * from './kill-matrix/kill-matrix.runner';
export * from './kill-matrix/kill-matrix-report.formatter';
