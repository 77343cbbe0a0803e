// Tier 1: pure, fast tests. Mocks allowed here and only here.
module.exports = require('./jest.preset.js')('unit', '\\.spec\\.ts$');
