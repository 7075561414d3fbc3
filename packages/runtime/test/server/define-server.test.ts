import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { RUNTIME_KINDS } from '../../src/start.ts';
import { hello } from '../fixtures/hello/serve.ts';

async function greeting(port: number): Promise<string> {
  const socket = connect({ host: '127.0.0.1', port });
  let text = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  await once(socket, 'close');
  return text;
}

describe('defineServer', () => {
  it('compiles the program, with a types module that imports from beside the implementation', () => {
    const { ir, typesModule } = hello.compile();
    assert.equal(ir.program, 'hello');
    assert.match(typesModule, /Greet/);
    assert.equal(hello.typesFile, fileURLToPath(new URL('../fixtures/hello/hello.flux.ts', import.meta.url)));
  });

  for (const runtime of RUNTIME_KINDS) {
    it(`start under ${runtime}: resolves once listening on a free loopback port, serves, stops`, async () => {
      const running = await hello.start({ runtime, threads: 1 });
      try {
        assert.equal(running.host, '127.0.0.1');
        assert.ok(running.port > 0 && running.port !== 8080, 'port 0 unless the launch says otherwise');
        assert.equal(running.url, `http://127.0.0.1:${running.port}`);
        assert.equal(await greeting(running.port), 'hello\n');
      } finally {
        await running.stop();
      }
    });
  }

  it('serve: flags, a banner once listening, exit 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [fileURLToPath(new URL('../fixtures/hello/serve.ts', import.meta.url)), '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      let out = '';
      child.stdout.setEncoding('utf8');
      const port = await new Promise<number>((resolve, reject) => {
        child.stdout.on('data', (chunk: string) => {
          out += chunk;
          const match = /hello: listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
          if (match !== null) resolve(Number(match[1]));
        });
        child.once('exit', (code) => reject(new Error(`exited ${code} before listening: ${out}`)));
      });
      assert.equal(await greeting(port), 'hello\n');
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      assert.equal(code, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
