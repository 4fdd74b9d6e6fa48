// server.js: the Node.js restaurant, a peer of lunchrush's two and the seed's own model:
// Node's http module, one process, one event loop. The order's CPU part (work_us) is a
// busy loop on that one thread, so every other customer waits for it; the kitchen
// (cook_ms) is setTimeout, so nobody waits for that. Lesson 14 and the dashboard's
// --left/--right node start it.
//
// GET /order?cook_ms=N&work_us=M (or GET /): 200 with a body of 96 bytes like ours;
// 400 for a bad parameter (cook_ms 0..60000, work_us 0..1000000), 404 for another path,
// 405 for another method. Usage: node server.js [--host H] [--port P]; prints
// "listening on HOST:PORT" first. SIGTERM, SIGINT, SIGHUP: orders in hand get 2 s.
'use strict';
const http = require('http');

const COOK_MS_MAX = 60000;
const WORK_US_MAX = 1000000;
const BODY_LENGTH = 96;

let host = '127.0.0.1';
let port = 0;
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === '--host' && i + 1 < process.argv.length) host = process.argv[++i];
  else if (a === '--port' && i + 1 < process.argv.length) port = Number(process.argv[++i]);
  else if (a === '--help' || a === '-h') {
    process.stdout.write('usage: node server.js [--host H] [--port P]\n');
    process.exit(0);
  } else {
    process.stderr.write(`server.js: unknown option '${a}'\ntry 'node server.js --help'\n`);
    process.exit(2);
  }
}
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`server.js: --port '${port}': 0 to 65535\n`);
  process.exit(2);
}

// The value of name in the query: undefined when absent, NaN when not a whole number in range.
function param(query, name, max) {
  for (const kv of query.split('&')) {
    const eq = kv.indexOf('=');
    if (eq < 0 || kv.slice(0, eq) !== name) continue;
    const v = kv.slice(eq + 1);
    if (!/^\d{1,10}$/.test(v) || Number(v) > max) return NaN;
    return Number(v);
  }
  return undefined;
}

function refuse(res, status, reason) {
  const body = `${status} ${http.STATUS_CODES[status]}: ${reason}\n`;
  const headers = { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body), Connection: 'close' };
  if (status === 405) headers.Allow = 'GET, HEAD';
  res.writeHead(status, headers);
  res.end(body);
}

// Spend us microseconds of CPU on the one thread: the event loop does nothing else meanwhile.
function burn(us) {
  const end = process.hrtime.bigint() + BigInt(us) * 1000n;
  while (process.hrtime.bigint() < end);
}

let served = 0;
const server = http.createServer((req, res) => {
  const q = req.url.indexOf('?');
  const path = q < 0 ? req.url : req.url.slice(0, q);
  const query = q < 0 ? '' : req.url.slice(q + 1);
  if (path !== '/' && path !== '/order') return refuse(res, 404, 'the only dish is /order?cook_ms=N&work_us=M');
  if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'orders are placed with GET');
  const cook = param(query, 'cook_ms', COOK_MS_MAX);
  const work = param(query, 'work_us', WORK_US_MAX);
  if (Number.isNaN(cook) || Number.isNaN(work)) return refuse(res, 400, 'cook_ms is 0..60000 and work_us 0..1000000');
  if (work) burn(work);
  const send = () => {
    served++;
    const body = `node order ${served}: kitchen ${cook || 0} ms, work ${work || 0} us`.padEnd(BODY_LENGTH - 1) + '\n';
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  if (cook) setTimeout(send, cook);
  else send();
});
server.keepAliveTimeout = 75000; // a busy keep-alive client is never cut off
server.headersTimeout = 80000;
server.on('clientError', (err, socket) => {
  if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  else socket.destroy();
});
server.on('error', (err) => {
  process.stderr.write(`server.js: ${err.message}\n`);
  process.exit(1);
});

server.listen({ host, port, backlog: 4096 }, () => {
  const a = server.address();
  process.stdout.write(`listening on ${a.address}:${a.port}\n`);
});

// Stop: no new connections, idle keep-alive ones closed, at most 2 s for orders in the kitchen.
function stop() {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('SIGHUP', stop);
