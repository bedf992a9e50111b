/**
 * Entry of the soak's gateway process: `node --import tsx --expose-gc gateway-child.ts CONFIG`,
 * started with an IPC channel. It reads CONNECT_SERVER and CONNECT_API_KEY, listens on a free
 * port of 127.0.0.1 and logs JSON lines at info level on stdout. The message `memory` runs a
 * full garbage collection and replies with process.memoryUsage(). The message `stop` closes
 * the gateway and exits.
 */
import { loadGatewayConfig, readConnectEnv, startGateway } from '../../src/gateway/index.js';

export type ParentMessage = { type: 'memory'; id: number } | { type: 'stop' };
export type ChildMessage =
  | { type: 'listening'; url: string }
  | { type: 'memory'; id: number; usage: NodeJS.MemoryUsage };

const configFile = process.argv[2];
if (configFile === undefined || process.send === undefined) {
  console.error('Usage: node --import tsx --expose-gc gateway-child.ts CONFIG, with an IPC channel');
  process.exit(2);
}
const send = (message: ChildMessage) => process.send!(message);

const gateway = await startGateway({
  config: await loadGatewayConfig(configFile, process.env),
  connect: readConnectEnv(process.env),
  host: '127.0.0.1',
  port: 0,
  logger: { level: 'info' },
});
send({ type: 'listening', url: gateway.url });

process.on('message', (message: ParentMessage) => {
  if (message.type === 'memory') {
    // Without --expose-gc the sample includes garbage, which makes a trend hard to read.
    (globalThis as { gc?: () => void }).gc?.();
    send({ type: 'memory', id: message.id, usage: process.memoryUsage() });
    return;
  }
  void gateway.close().then(() => process.exit(0));
});
