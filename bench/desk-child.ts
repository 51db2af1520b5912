/**
 * The desk's web server for the desk benchmark, in a process of its own so that the load generator does
 * not share its event loop: `createWebApp` on the store at DATABASE_URL, on 127.0.0.1 and a free port,
 * which it reports over IPC.
 */
import type { AddressInfo } from 'node:net';
import { createLogger } from '../src/log.js';
import { createStore } from '../src/store/index.js';
import { createWebApp } from '../src/web/web-app.js';

const store = await createStore(process.env.DATABASE_URL!, { secretKey: null });
const app = await createWebApp({
  store,
  logger: createLogger({ level: 'warn' }),
  // All the load comes from one address: the per-address limit (600 a minute) would answer 429.
  requestsPerMinute: 1_000_000_000,
});
await app.listen({ port: 0, host: '127.0.0.1' });
process.send!({ t: 'ready', port: (app.server.address() as AddressInfo).port });
process.on('disconnect', async () => {
  await app.close();
  await store.close();
  process.exit(0);
});
