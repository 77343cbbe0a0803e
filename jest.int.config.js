// Tier 2: each service against the real Kafka broker and real PostgreSQL
// (started by tools/infra; see tools/test-all.sh). One file at a time: suites of one stage would
// share its consumer group.
module.exports = require('./jest.preset.js')('int', '\\.int-spec\\.ts$', { testTimeout: 60000, maxWorkers: 1 });
