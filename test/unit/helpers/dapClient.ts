/**
 * A small Debug Adapter Protocol client for tests: spawns an adapter process, frames messages with
 * Content-Length headers, matches responses to requests, and keeps every event for waiting on.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export interface DapMessage {
  seq: number;
  type: 'request' | 'response' | 'event';
  command?: string;
  event?: string;
  success?: boolean;
  message?: string;
  request_seq?: number;
  body?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export class DapClient {
  private readonly proc: ChildProcessWithoutNullStreams;
  private buffer = Buffer.alloc(0);
  private seq = 1;
  private readonly pending = new Map<number, (m: DapMessage) => void>();
  readonly events: DapMessage[] = [];
  private waiters: { event: string; from: number; resolve: (m: DapMessage) => void }[] = [];
  stderr = '';

  constructor(command: string, args: string[], cwd: string) {
    this.proc = spawn(command, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stdout.on('data', (d: Buffer) => this.onData(d));
    this.proc.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
  }

  /** Sends a request; resolves with its response (success or not). */
  request(command: string, args?: unknown): Promise<DapMessage> {
    const seq = this.seq++;
    const json = JSON.stringify({ seq, type: 'request', command, arguments: args });
    this.proc.stdin.write(`Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no response to ${command} in 20 s; stderr: ${this.stderr}`)), 20_000);
      this.pending.set(seq, (m) => (clearTimeout(timer), resolve(m)));
    });
  }

  /** A request that must succeed: its body. */
  async ok(command: string, args?: unknown): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const r = await this.request(command, args);
    if (!r.success) throw new Error(`${command} failed: ${r.message} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  /** The next event of a name after the n-th event received (default: any not yet waited for). */
  next(event: string, from = this.events.length): Promise<DapMessage> {
    const seen = this.events.slice(from).find((e) => e.event === event);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${event} event in 20 s; stderr: ${this.stderr}`)), 20_000);
      this.waiters.push({ event, from, resolve: (m) => (clearTimeout(timer), resolve(m)) });
    });
  }

  /** Sends a request and waits for the `stopped` event it leads to. */
  async stop(command: string, args?: unknown): Promise<DapMessage> {
    const from = this.events.length;
    await this.ok(command, args);
    return this.next('stopped', from);
  }

  exited(): Promise<number | null> {
    return new Promise((resolve) => (this.proc.exitCode !== null ? resolve(this.proc.exitCode) : this.proc.on('exit', (code) => resolve(code))));
  }

  kill(): void {
    this.proc.kill();
  }

  private onData(d: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, d]);
    for (;;) {
      const head = this.buffer.indexOf('\r\n\r\n');
      if (head < 0) return;
      const m = /Content-Length: (\d+)/i.exec(this.buffer.subarray(0, head).toString());
      if (!m) throw new Error(`bad header: ${this.buffer.subarray(0, head).toString()}`);
      const len = Number(m[1]);
      if (this.buffer.length < head + 4 + len) return;
      const msg = JSON.parse(this.buffer.subarray(head + 4, head + 4 + len).toString()) as DapMessage;
      this.buffer = this.buffer.subarray(head + 4 + len);
      if (msg.type === 'response' && msg.request_seq !== undefined) {
        this.pending.get(msg.request_seq)?.(msg);
        this.pending.delete(msg.request_seq);
      } else if (msg.type === 'event') {
        this.events.push(msg);
        const index = this.events.length - 1;
        const ready = this.waiters.filter((w) => w.event === msg.event && index >= w.from);
        this.waiters = this.waiters.filter((w) => !ready.includes(w));
        for (const w of ready) w.resolve(msg);
      }
    }
  }
}
