// Runs a mock model server in its own process (benchmarks, SIGKILL tests, demos):
//   node --import tsx test/servers/main.ts openai|bedrock ['{"latencyMs":200}'] [port]
// Prints one JSON line `{"port":N,"url":"…"}` when listening. Control it over HTTP: GET /__stats,
// POST /__behavior (a Behavior as JSON), POST /__reset.
import { startMockServer, type Protocol } from './mockModelServer';

const [protocol = 'openai', behavior = '{}', port = '0'] = process.argv.slice(2);
startMockServer(protocol as Protocol, JSON.parse(behavior), Number(port)).then((s) => {
  process.stdout.write(JSON.stringify({ port: s.port, url: s.url }) + '\n');
  process.on('SIGTERM', () => void s.close().then(() => process.exit(0)));
}, (err) => { console.error(err); process.exit(1); });
