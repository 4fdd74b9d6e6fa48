// node_server.js: the Node.js peer of make bench, the model lunchrush teaches in its
// simplest form: Node's own http module, one process, one event loop. GET /anything?cook_ms=N
// answers at once (N = 0) or after setTimeout(N); work_us is ignored (no CPU part).
// Usage: node node_server.js [--host H] [--port P]; prints "listening on HOST:PORT" first.
'use strict';
const http = require('http');

let host = '127.0.0.1';
let port = 0;
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === '--host') host = process.argv[++i];
  else if (a === '--port') port = Number(process.argv[++i]);
  else {
    process.stderr.write(`node_server.js: unknown argument ${a}\nusage: node node_server.js [--host H] [--port P]\n`);
    process.exit(2);
  }
}

let served = 0;
function cookMs(url) {
  const q = url.indexOf('?');
  if (q < 0) return 0;
  const m = /(?:^|&)cook_ms=(\d+)/.exec(url.slice(q + 1));
  return m ? Math.min(Number(m[1]), 60000) : 0;
}

const server = http.createServer((req, res) => {
  const cook = cookMs(req.url);
  const send = () => {
    served++;
    // padded like our servers' bodies (ORDER_BODY_LEN, 96 bytes), so every peer sends as much
    const body = `node order ${served}: kitchen ${cook} ms`.padEnd(95) + '\n';
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  };
  if (cook > 0) setTimeout(send, cook);
  else send();
});
server.keepAliveTimeout = 75000; // like nginx: a busy keep-alive client is never cut off
server.headersTimeout = 80000;

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
