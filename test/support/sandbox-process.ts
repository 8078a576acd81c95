import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { type SandboxControl, sandboxControl, type TestSandboxOptions } from './sandbox.js';

/** A platform request as it arrived at the sandbox (after body parsing); `text` is the caption or tweet text. */
export interface RecordedRequest {
  at: number;
  method: string;
  path: string;
  text?: string;
}

export interface SandboxProcess extends SandboxControl {
  readonly pid: number;
  /** Every platform request so far, in arrival order. */
  requests(): Promise<RecordedRequest[]>;
}

/** Where `nest build sandbox` puts the server module. */
const SERVER_MODULE = resolve('dist/apps/sandbox/apps/sandbox/src/sandbox-server.js');

/** Answers of the child: its address once listening, then the records when asked. */
type ChildMessage = { url: string } | { requests: RecordedRequest[] };

async function nextMessage(child: ChildProcess): Promise<ChildMessage> {
  const [message] = (await Promise.race([once(child, 'message'), once(child, 'exit').then(([code]) => Promise.reject(new Error(`sandbox process exited with ${String(code)}`)))])) as [ChildMessage];
  return message;
}

/**
 * The sandbox built in dist/ (`buildApp('sandbox')` first) in a process of its own, recording every platform request,
 * so a benchmark can read its CPU time apart from the API's. Options as JSON: no functions (no clock, no injector).
 */
export async function startSandboxProcess(options: Omit<TestSandboxOptions, 'now' | 'log' | 'faults'> = {}): Promise<SandboxProcess> {
  const child = fork(resolve('test/support/sandbox-child.mjs'), [SERVER_MODULE, JSON.stringify(options)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await nextMessage(child);
  if (!('url' in ready)) throw new Error('sandbox process did not say where it listens');
  const close = async (): Promise<void> => {
    if (child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.send('close');
    await exited;
  };
  return {
    ...sandboxControl(ready.url, close),
    pid: child.pid!,
    requests: async () => {
      const answer = nextMessage(child);
      child.send('requests');
      const message = await answer;
      if (!('requests' in message)) throw new Error('sandbox process answered something else than its records');
      return message.requests;
    },
  };
}
