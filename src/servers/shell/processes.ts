/**
 * The processes one shell server started, and nothing else: each command line runs as
 * `bash -c LINE` inside the server's one sandbox, spawned detached so that it leads its own
 * process group — a timeout or stop_process signals the group (src/process-group.ts), and
 * bubblewrap's PID namespace takes every grandchild with it. stdout and stderr go into one
 * buffer per process (as a terminal shows them), capped: past the cap the oldest output is
 * dropped and the reader is told how much.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { killProcessGroup } from '../../process-group.js';
import type { Sandbox } from '../../sandbox/index.js';

export interface ProcessManagerOptions {
  sandbox: Sandbox;
  /** The environment of every command (the server's own, less what changes bash's start). */
  env: Record<string, string>;
  /** Characters kept per process (default 2,000,000). */
  bufferChars?: number;
  /** Processes alive at once (default 16). */
  maxRunning?: number;
}

export interface ProcessInfo {
  id: string;
  command: string;
  cwd: string;
  pid?: number;
  status: 'running' | 'exited';
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  startedAt: string;
  /** Characters of output so far (including dropped ones). */
  outputChars: number;
}

export interface OutputPage {
  text: string;
  /** Offset of the first character of `text`. */
  offset: number;
  /** Where the next read starts. */
  next: number;
  /** Characters before `offset` that were dropped by the cap. */
  dropped: number;
  /** Output beyond this page is already there. */
  more: boolean;
}

/**
 * Output with absolute offsets, kept as the chunks that arrived (no copy per chunk); past the cap
 * whole chunks are dropped from the front, and the first one trimmed.
 */
export class OutputBuffer {
  private chunks: string[] = [];
  private length = 0;
  private start = 0;
  constructor(private readonly cap: number) {}
  append(chunk: string): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
    let first = 0;
    while (this.length > this.cap) {
      const head = this.chunks[first]!;
      const cut = Math.min(head.length, this.length - this.cap);
      if (cut === head.length) first++;
      else this.chunks[first] = head.slice(cut);
      this.length -= cut;
      this.start += cut;
    }
    if (first > 0) this.chunks.splice(0, first);
  }
  get end(): number {
    return this.start + this.length;
  }
  read(from: number, max: number): OutputPage {
    const offset = Math.min(Math.max(from, this.start), this.end);
    let skip = offset - this.start;
    let text = '';
    for (const chunk of this.chunks) {
      if (text.length >= max) break;
      if (skip >= chunk.length) {
        skip -= chunk.length;
        continue;
      }
      text += chunk.slice(skip, skip + max - text.length);
      skip = 0;
    }
    return { text, offset, next: offset + text.length, dropped: Math.max(0, this.start - from), more: offset + text.length < this.end };
  }
}

interface Managed {
  info: ProcessInfo;
  child: ChildProcess;
  output: OutputBuffer;
  cursor: number;
  exited: Promise<void>;
}

const KEEP_EXITED = 50;

export class ProcessError extends Error {}

export interface ProcessManager {
  /** Runs to the end or the timeout; the whole group is killed at the timeout. */
  run(command: string, cwd: string, timeoutMs: number): Promise<ProcessInfo>;
  start(command: string, cwd: string): ProcessInfo;
  /** From `offset`, or from where the last read_output of this process ended. */
  read(id: string, max: number, offset?: number): { info: ProcessInfo; page: OutputPage };
  /** Waits up to `ms` for new output or the exit (so a reader need not poll in a tight loop). */
  waitForOutput(id: string, ms: number): Promise<void>;
  write(id: string, input: string, close: boolean): ProcessInfo;
  stop(id: string): Promise<ProcessInfo>;
  list(): ProcessInfo[];
  closeAll(): Promise<void>;
}

export function createProcessManager(options: ProcessManagerOptions): ProcessManager {
  const cap = options.bufferChars ?? 2_000_000;
  const maxRunning = options.maxRunning ?? 16;
  const processes = new Map<string, Managed>();
  const waiters = new Map<string, Set<() => void>>();
  let next = 1;

  function get(id: string): Managed {
    const managed = processes.get(id);
    if (!managed) throw new ProcessError(`no process "${id}" was started by this server (list_processes shows those it started)`);
    return managed;
  }

  function wake(id: string): void {
    for (const w of waiters.get(id) ?? []) w();
    waiters.delete(id);
  }

  function launch(command: string, cwd: string, stdin: 'pipe' | 'ignore'): Managed {
    const running = [...processes.values()].filter((p) => p.info.status === 'running').length;
    if (running >= maxRunning) throw new ProcessError(`${running} processes are running already (at most ${maxRunning}); stop one with stop_process`);
    const wrapped = options.sandbox.wrap({ command: 'bash', args: ['--noprofile', '--norc', '-c', command], cwd, env: options.env });
    const child = spawn(wrapped.command, wrapped.args, { cwd: wrapped.cwd, env: wrapped.env, detached: true, stdio: [stdin, 'pipe', 'pipe'] });
    const id = `p${next++}`;
    const info: ProcessInfo = { id, command, cwd, ...(child.pid !== undefined ? { pid: child.pid } : {}), status: 'running', exitCode: null, signal: null, timedOut: false, startedAt: new Date().toISOString(), outputChars: 0 };
    const output = new OutputBuffer(cap);
    const onData = (chunk: string) => {
      output.append(chunk);
      info.outputChars += chunk.length;
      wake(id);
    };
    child.stdout!.setEncoding('utf8').on('data', onData);
    child.stderr!.setEncoding('utf8').on('data', onData);
    child.stdin?.on('error', () => {});
    const exited = new Promise<void>((resolve) => {
      child.once('error', (error) => {
        onData(`[could not start: ${error.message}]\n`);
        info.status = 'exited';
        resolve();
        wake(id);
      });
      child.once('close', (code, signal) => {
        info.status = 'exited';
        info.exitCode = code;
        info.signal = signal;
        resolve();
        wake(id);
      });
    });
    const managed: Managed = { info, child, output, cursor: 0, exited };
    processes.set(id, managed);
    // Finished processes stay readable; only the most recent KEEP_EXITED of them.
    const done = [...processes.values()].filter((p) => p.info.status === 'exited');
    for (const old of done.slice(0, Math.max(0, done.length - KEEP_EXITED))) processes.delete(old.info.id);
    return managed;
  }

  async function stopManaged(managed: Managed): Promise<void> {
    if (managed.info.status === 'exited') return;
    killProcessGroup(managed.child, 'SIGTERM');
    const late = setTimeout(() => killProcessGroup(managed.child, 'SIGKILL'), 2_000);
    await managed.exited;
    clearTimeout(late);
  }

  return {
    async run(command, cwd, timeoutMs) {
      const managed = launch(command, cwd, 'ignore');
      const timer = setTimeout(() => {
        managed.info.timedOut = true;
        killProcessGroup(managed.child, 'SIGKILL');
      }, timeoutMs);
      await managed.exited;
      clearTimeout(timer);
      return { ...managed.info };
    },
    start(command, cwd) {
      return { ...launch(command, cwd, 'pipe').info };
    },
    read(id, max, offset) {
      const managed = get(id);
      const page = managed.output.read(offset ?? managed.cursor, max);
      if (offset === undefined) managed.cursor = page.next;
      return { info: { ...managed.info }, page };
    },
    async waitForOutput(id, ms) {
      const managed = get(id);
      if (managed.info.status === 'exited' || managed.output.end > managed.cursor) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        const set = waiters.get(id) ?? new Set();
        set.add(done);
        waiters.set(id, set);
      });
    },
    write(id, input, close) {
      const managed = get(id);
      const stdin = managed.child.stdin;
      if (!stdin) throw new ProcessError(`process ${id} was started by run_command and takes no input; use start_process for one that does`);
      if (managed.info.status === 'exited' || stdin.destroyed || stdin.writableEnded) throw new ProcessError(`process ${id} has exited or its input is closed`);
      if (input !== '') stdin.write(input);
      if (close) stdin.end();
      return { ...managed.info };
    },
    async stop(id) {
      const managed = get(id);
      await stopManaged(managed);
      return { ...managed.info };
    },
    list() {
      return [...processes.values()].map((p) => ({ ...p.info }));
    },
    async closeAll() {
      await Promise.all([...processes.values()].map(stopManaged));
    },
  };
}
