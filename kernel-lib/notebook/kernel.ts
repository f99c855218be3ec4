// The `dmsim` Jupyter kernel: the Jupyter messaging protocol over ZeroMQ around one Executor.
//
// Shell requests are handled one at a time, in arrival order; control requests (interrupt,
// shutdown, kernel_info) are answered at once, even while a cell runs. Each request is
// bracketed by iopub `status: busy` / `status: idle`, as clients expect.
// https://jupyter-client.readthedocs.io/en/stable/messaging.html
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import * as zmq from 'zeromq';
import { Executor, type OutputSink } from './executor.js';
import { History, type HistoryRequest } from './history.js';
import { textOf, type MimeBundle } from './mime-bundle.js';
import { languageInfo, versions } from './versions.js';
import { childMessage, decode, encode, PROTOCOL_VERSION, Signer, type ConnectionInfo, type Message } from './wire.js';

interface ExecuteRequest {
  code: string;
  silent?: boolean;
  store_history?: boolean;
  stop_on_error?: boolean;
}

/** ZeroMQ allows one send in flight per socket: queue them. */
class SocketWriter {
  private last: Promise<void> = Promise.resolve();
  constructor(readonly socket: zmq.Writable & zmq.Socket) {}
  send(frames: (string | Buffer)[]): Promise<void> {
    this.last = this.last.then(() => this.socket.send(frames)).catch(() => {});
    return this.last;
  }
}

export class Kernel {
  private readonly signer: Signer;
  private readonly shell = new zmq.Router();
  private readonly control = new zmq.Router();
  private readonly stdin = new zmq.Router();
  private readonly iopub = new zmq.Publisher();
  private readonly heartbeat = new zmq.Reply();
  private readonly shellOut = new SocketWriter(this.shell);
  private readonly controlOut = new SocketWriter(this.control);
  private readonly iopubOut = new SocketWriter(this.iopub);
  private readonly executor = new Executor({ keepStreams: true, displayIdPrefix: randomBytes(4).toString('hex') });
  private readonly history = new History();
  private executionCount = 0;
  /** Shell messages waiting for the one being handled. */
  private readonly queue: Message[] = [];
  private draining = false;
  private closed = false;
  private resolveClosed: () => void = () => {};
  /** Resolves when a shutdown request has been answered and the sockets are closed. */
  readonly done = new Promise<void>((resolve) => (this.resolveClosed = resolve));

  constructor(private readonly connection: ConnectionInfo) {
    this.signer = new Signer(connection.key, connection.signature_scheme);
  }

  static fromConnectionFile(file: string): Kernel {
    let info: Partial<ConnectionInfo>;
    try {
      info = JSON.parse(readFileSync(file, 'utf8')) as Partial<ConnectionInfo>;
    } catch (e) {
      throw new Error(`${file}: cannot read the connection file (${(e as Error).message})`);
    }
    for (const field of ['ip', 'transport', 'shell_port', 'iopub_port', 'stdin_port', 'control_port', 'hb_port'] as const) {
      if (info[field] === undefined) throw new Error(`${file}: field '${field}' is missing`);
    }
    return new Kernel({ key: '', signature_scheme: 'hmac-sha256', ...info } as ConnectionInfo);
  }

  async start(): Promise<void> {
    const { transport, ip } = this.connection;
    const address = (port: number) => `${transport}://${ip}${transport === 'ipc' ? '-' : ':'}${port}`;
    await Promise.all([
      this.shell.bind(address(this.connection.shell_port)),
      this.control.bind(address(this.connection.control_port)),
      this.stdin.bind(address(this.connection.stdin_port)),
      this.iopub.bind(address(this.connection.iopub_port)),
      this.heartbeat.bind(address(this.connection.hb_port)),
    ]);
    void this.receive(this.shell, (message) => this.enqueueShell(message));
    void this.receive(this.control, (message) => this.handleControl(message));
    void this.echoHeartbeats();
    // Jupyter sends SIGINT for interrupt_mode "signal": stop a cell awaiting a promise (a busy
    // loop is stopped by vm's breakOnSigint).
    process.on('SIGINT', () => this.executor.interrupt());
    // A cell's timer or forgotten promise that throws must not kill the session: show it in
    // the output of the cell running now (or the last one), as ipykernel does.
    const background = (e: unknown) => process.stderr.write(`Uncaught error in background: ${inspect(e)}\n`);
    process.on('uncaughtException', background);
    process.on('unhandledRejection', background);
  }

  private async receive(socket: zmq.Router, handle: (message: Message) => void | Promise<void>): Promise<void> {
    try {
      for await (const frames of socket) {
        let message: Message;
        try {
          message = decode(frames, this.signer);
        } catch (e) {
          this.log(`dropped a message: ${(e as Error).message}`);
          continue;
        }
        await handle(message);
      }
    } catch (e) {
      if (!this.closed) this.log(`socket failed: ${(e as Error).message}`);
    }
  }

  private async echoHeartbeats(): Promise<void> {
    try {
      for await (const frames of this.heartbeat) await this.heartbeat.send(frames);
    } catch {
      // Closed at shutdown.
    }
  }

  private enqueueShell(message: Message): void {
    this.queue.push(message);
    if (!this.draining) void this.drainShell();
  }

  private async drainShell(): Promise<void> {
    this.draining = true;
    while (this.queue.length > 0 && !this.closed) {
      const message = this.queue.shift()!;
      await this.withBusy(message, () => this.handleShell(message));
    }
    this.draining = false;
  }

  private async withBusy(message: Message<unknown>, handle: () => Promise<void>): Promise<void> {
    this.publish(message, 'status', { execution_state: 'busy' });
    try {
      await handle();
    } catch (e) {
      this.log(`failed to handle ${message.header.msg_type}: ${(e as Error).stack}`);
    } finally {
      this.publish(message, 'status', { execution_state: 'idle' });
    }
  }

  private publish(parent: Message<unknown>, msgType: string, content: unknown): Promise<void> {
    return this.iopubOut.send(encode(childMessage(parent, msgType, content), this.signer));
  }

  private reply(writer: SocketWriter, request: Message<unknown>, content: unknown): Promise<void> {
    const msgType = request.header.msg_type.replace(/_request$/, '_reply');
    return writer.send(encode(childMessage(request, msgType, content, request.identities), this.signer));
  }

  private async handleShell(message: Message): Promise<void> {
    const content = message.content as unknown;
    switch (message.header.msg_type) {
      case 'kernel_info_request':
        return this.reply(this.shellOut, message, this.kernelInfo());
      case 'execute_request':
        return this.execute(message as Message<unknown> as Message<ExecuteRequest>);
      case 'complete_request': {
        const { code, cursor_pos } = content as { code: string; cursor_pos: number };
        const { start, end, matches } = this.executor.complete(code, cursor_pos);
        return this.reply(this.shellOut, message, { status: 'ok', matches, cursor_start: start, cursor_end: end, metadata: {} });
      }
      case 'inspect_request': {
        const { code, cursor_pos } = content as { code: string; cursor_pos: number };
        const text = this.executor.inspect(code, cursor_pos);
        const data = text ? { 'text/plain': text } : {};
        return this.reply(this.shellOut, message, { status: 'ok', found: text !== null, data, metadata: {} });
      }
      case 'is_complete_request':
        return this.reply(this.shellOut, message, this.executor.isComplete((content as { code: string }).code));
      case 'history_request':
        return this.reply(this.shellOut, message, { status: 'ok', history: this.history.query(content as HistoryRequest) });
      case 'comm_info_request':
        return this.reply(this.shellOut, message, { status: 'ok', comms: {} });
      case 'shutdown_request':
        return this.shutdown(this.shellOut, message);
      case 'comm_open':
      case 'comm_msg':
      case 'comm_close':
        return; // No comm targets (widgets) in dmsim.
      default:
        this.log(`unsupported shell message ${message.header.msg_type}`);
    }
  }

  private async handleControl(message: Message): Promise<void> {
    switch (message.header.msg_type) {
      case 'interrupt_request':
        this.executor.interrupt();
        return this.reply(this.controlOut, message, { status: 'ok' });
      case 'shutdown_request':
        return this.shutdown(this.controlOut, message);
      case 'kernel_info_request':
        return this.withBusy(message, () => this.reply(this.controlOut, message, this.kernelInfo()));
      default:
        this.log(`unsupported control message ${message.header.msg_type}`);
    }
  }

  private kernelInfo() {
    return {
      status: 'ok',
      protocol_version: PROTOCOL_VERSION,
      implementation: 'dmsim',
      implementation_version: versions().dmsim,
      language_info: languageInfo(),
      banner: `dmsim ${versions().dmsim}: TypeScript cells (tslab ${versions().tslab}, Node ${process.version})`,
      help_links: [],
    };
  }

  private async execute(message: Message<ExecuteRequest>): Promise<void> {
    const { code, silent = false, store_history = true, stop_on_error = true } = message.content;
    const counts = store_history && !silent;
    if (counts) this.executionCount++;
    const count = this.executionCount;
    if (!silent) this.publish(message, 'execute_input', { code, execution_count: count });
    if (counts) this.history.record(count, code);

    const sink: OutputSink = {
      stream: (name, text) => this.publish(message, 'stream', { name, text }),
      displayData: (data, metadata, displayId, update) =>
        this.publish(message, update ? 'update_display_data' : 'display_data', {
          data,
          metadata,
          transient: displayId ? { display_id: displayId } : {},
        }),
      clearOutput: (wait) => this.publish(message, 'clear_output', { wait }),
    };
    const outcome = await this.executor.execute(code, `Cell In[${count}]`, sink);

    if (outcome.status === 'ok') {
      if (outcome.result && !silent) {
        this.publish(message, 'execute_result', { execution_count: count, data: outcome.result, metadata: {} });
        if (counts) this.history.recordOutput(count, textOf((outcome.result as MimeBundle)['text/plain']));
      }
      await this.reply(this.shellOut, message, { status: 'ok', execution_count: count, user_expressions: {}, payload: [] });
      return;
    }
    const { ename, evalue, traceback } = outcome.error;
    this.publish(message, 'error', { ename, evalue, traceback });
    await this.reply(this.shellOut, message, { status: 'error', execution_count: count, ename, evalue, traceback });
    // Like ipykernel: the cells queued behind a failed one are not run ("Run All" stops).
    if (stop_on_error) await this.abortQueuedExecutions();
  }

  private async abortQueuedExecutions(): Promise<void> {
    const aborted = this.queue.filter((m) => m.header.msg_type === 'execute_request');
    this.queue.splice(0, this.queue.length, ...this.queue.filter((m) => m.header.msg_type !== 'execute_request'));
    for (const message of aborted) {
      await this.withBusy(message, () =>
        this.reply(this.shellOut, message, { status: 'aborted', execution_count: this.executionCount }),
      );
    }
  }

  private async shutdown(writer: SocketWriter, message: Message): Promise<void> {
    const restart = Boolean((message.content as { restart?: boolean }).restart);
    await this.reply(writer, message, { status: 'ok', restart });
    await this.publish(message, 'status', { execution_state: 'idle' });
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.executor.close();
    for (const socket of [this.shell, this.control, this.stdin, this.iopub, this.heartbeat]) socket.close();
    this.resolveClosed();
  }

  /** Kernel logs go to the real stderr (Jupyter's log), never into a cell's output. */
  private log(text: string): void {
    this.executor.writeLog(`[dmsim kernel] ${text}\n`);
  }
}
