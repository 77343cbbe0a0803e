// Tier 3: the running system (distributed processes, and the embedded mode) driven over HTTPS
// by the project's phone simulator.
module.exports = require('./jest.preset.js')('e2e', '\\.e2e-spec\\.ts$', { testTimeout: 180000, maxWorkers: 1 });
