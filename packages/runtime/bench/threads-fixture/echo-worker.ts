// The other end of the raw postMessage round trip: sends back whatever it receives.
import { parentPort } from 'node:worker_threads';

parentPort!.on('message', (message: unknown) => parentPort!.postMessage(message));
