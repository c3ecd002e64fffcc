// Runs the loopback OpenAI Files + Batches server in its own process (benchmarks):
//   node --import tsx test/servers/batchMain.ts ['{"perStep":50000}']
// Prints one JSON line `{"url":"…"}` when listening; GET /__stats returns its counters.
import http from 'node:http';
import { startOpenAIBatchServer } from './openaiBatchServer';

startOpenAIBatchServer(JSON.parse(process.argv[2] ?? '{}')).then((s) => {
  const control = http.createServer((_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify(s.stats, (k, v) => (k === 'processedByKey' ? Math.max(0, ...Object.values(v as Record<string, number>)) : v))); });
  control.listen(0, '127.0.0.1', () => {
    const port = (control.address() as import('node:net').AddressInfo).port;
    process.stdout.write(JSON.stringify({ url: s.url, control: `http://127.0.0.1:${port}` }) + '\n');
  });
  process.on('SIGTERM', () => void s.close().then(() => process.exit(0)));
}, (err) => { console.error(err); process.exit(1); });
