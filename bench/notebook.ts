// Notebook speed: how long the dmsim kernel takes to answer its first request and what each
// small cell costs, against tslab's own kernel on the same cells; and how long `make report`
// style in-process execution of the first notebook takes. A minimal Jupyter client over
// ZeroMQ (no Python) drives both kernels, so the numbers compare the kernels, not clients.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as zmq from 'zeromq';
import { readNotebook } from '../kernel-lib/notebook/nbformat.js';
import { runNotebook } from '../kernel-lib/notebook/runner.js';
import { decode, encode, PROTOCOL_VERSION, Signer, type ConnectionInfo, type Message } from '../kernel-lib/notebook/wire.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CELLS = ['const a = 1;', 'a + 1', "const s: string = 'x'.repeat(3);", 's.length * 2', '[1, 2, 3].map((x) => x * x)'];
const ROUNDS = 4;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function connectionInfo(): Promise<ConnectionInfo> {
  const [shell_port, iopub_port, stdin_port, control_port, hb_port] = await Promise.all([1, 2, 3, 4, 5].map(freePort));
  return { ip: '127.0.0.1', transport: 'tcp', shell_port: shell_port!, iopub_port: iopub_port!, stdin_port: stdin_port!, control_port: control_port!, hb_port: hb_port!, key: randomBytes(16).toString('hex'), signature_scheme: 'hmac-sha256' };
}

/** Just enough of a Jupyter client: requests on shell, replies awaited in order. */
class Client {
  private readonly shell = new zmq.Dealer({ routingId: randomUUID() });
  private readonly control = new zmq.Dealer({ routingId: randomUUID() });
  private readonly signer: Signer;
  private readonly session = randomUUID();

  constructor(private readonly info: ConnectionInfo) {
    this.signer = new Signer(info.key);
    this.shell.connect(`tcp://${info.ip}:${info.shell_port}`);
    this.control.connect(`tcp://${info.ip}:${info.control_port}`);
  }

  private async request(socket: zmq.Dealer, msgType: string, content: object): Promise<Message> {
    const header = { msg_id: randomUUID(), msg_type: msgType, session: this.session, username: 'bench', date: new Date().toISOString(), version: PROTOCOL_VERSION };
    await socket.send(encode({ identities: [], header, parent_header: {}, metadata: {}, content, buffers: [] }, this.signer));
    for (;;) {
      const reply = decode(await socket.receive(), this.signer);
      if (reply.parent_header.msg_id === header.msg_id) return reply;
    }
  }

  kernelInfo(): Promise<Message> {
    return this.request(this.shell, 'kernel_info_request', {});
  }

  execute(code: string): Promise<Message> {
    return this.request(this.shell, 'execute_request', { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
  }

  async shutdown(): Promise<void> {
    await Promise.race([this.request(this.control, 'shutdown_request', { restart: false }), new Promise((r) => setTimeout(r, 3000))]);
    this.shell.close();
    this.control.close();
  }
}

interface KernelTiming {
  startMs: number;
  firstCellMs: number;
  perCellMs: number;
}

async function timeKernel(argv: (file: string) => string[]): Promise<KernelTiming> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dmsim-bench-'));
  const file = path.join(dir, 'connection.json');
  const info = await connectionInfo();
  writeFileSync(file, JSON.stringify(info));
  const started = performance.now();
  const [command, ...args] = argv(file);
  const child: ChildProcess = spawn(command!, args, { cwd: ROOT, stdio: 'ignore' });
  const client = new Client(info);
  try {
    await client.kernelInfo();
    const startMs = performance.now() - started;
    let t = performance.now();
    await client.execute('0');
    const firstCellMs = performance.now() - t;
    t = performance.now();
    for (let round = 0; round < ROUNDS; round++) for (const cell of CELLS) await client.execute(cell);
    const perCellMs = (performance.now() - t) / (ROUNDS * CELLS.length);
    return { startMs, firstCellMs, perCellMs };
  } finally {
    await client.shutdown();
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<object[]> {
  const dmsim = await timeKernel((f) => [process.execPath, path.join(ROOT, 'bin', 'dmsim.js'), 'kernel', 'start', '-f', f]);
  const tslab = await timeKernel((f) => [process.execPath, path.join(ROOT, 'node_modules', 'tslab', 'bin', 'tslab'), 'kernel', '--config-path', f]);
  const results: object[] = [];
  for (const [kernel, t] of [['dmsim', dmsim], ['tslab', tslab]] as const) {
    results.push({ name: 'notebook.kernel_start', value: Math.round(t.startMs), unit: 'ms', kernel });
    results.push({ name: 'notebook.first_cell', value: Math.round(t.firstCellMs), unit: 'ms', kernel });
    results.push({ name: 'notebook.cell_overhead', value: Number(t.perCellMs.toFixed(1)), unit: 'ms', kernel, cells: CELLS.length * ROUNDS });
  }
  const notebook = 'notebooks/getting-started.ipynb';
  const saved = process.cwd();
  process.chdir(ROOT);
  try {
    const result = await runNotebook(readNotebook(path.join(ROOT, notebook)), notebook);
    results.push({ name: 'notebook.in_process_run', value: Number(result.wallSeconds.toFixed(2)), unit: 's', notebook, ok: !result.failure });
  } finally {
    process.chdir(saved);
  }
  return results;
}

// `node --import tsx bench/notebook.ts` prints the results on their own.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const result of await run()) console.log(JSON.stringify(result));
}
