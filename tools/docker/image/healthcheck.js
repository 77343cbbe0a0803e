'use strict';
// The images' HEALTHCHECK: GET /readyz on the process's own plain-HTTP health port.
// Usage: node healthcheck.js <PORT_VARIABLE> <default port>; healthy only on 200.
const http = require('node:http');

const [variable, fallback] = process.argv.slice(2);
const port = Number(process.env[variable] || fallback);
const request = http.get({ host: '127.0.0.1', port, path: '/readyz', timeout: 4000 }, (res) => {
  res.resume();
  process.exit(res.statusCode === 200 ? 0 : 1);
});
request.on('timeout', () => request.destroy(new Error('timed out')));
request.on('error', (error) => {
  console.error(`GET http://127.0.0.1:${port}/readyz: ${error.message}`);
  process.exit(1);
});
