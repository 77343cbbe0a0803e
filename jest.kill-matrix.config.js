// The kill matrix as a test: the distributed stack, each part killed with SIGKILL and restarted
// during a storm. Runs last in `npm test` (tools/test-all.sh), on its own with
// `npm run test:kill-matrix`. See README, "Kill matrix".
module.exports = require('./jest.preset.js')('kill-matrix', '\\.matrix-spec\\.ts$', { testTimeout: 3600000, maxWorkers: 1 });
