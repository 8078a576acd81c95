// `npm start`: the whole system on one machine (sandbox, API, worker) with demo data.
// Creates config/.env with fresh secrets on first run, builds when sources are newer than dist/, then
// starts the three processes, waits for each to be ready and prints where to look.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ENTRY = {
  sandbox: 'dist/apps/sandbox/apps/sandbox/src/main.js',
  api: 'dist/apps/api/apps/api/src/main.js',
  worker: 'dist/apps/worker/apps/worker/src/main.js',
};

function ensureEnvFile() {
  if (existsSync('config/.env')) return;
  const example = readFileSync('config/.env.example', 'utf8')
    .replace(/^JWT_SECRET=$/m, `JWT_SECRET=${randomBytes(48).toString('base64')}`)
    .replace(/^TOKEN_ENCRYPTION_KEY=$/m, `TOKEN_ENCRYPTION_KEY=${randomBytes(32).toString('base64')}`);
  writeFileSync('config/.env', example, { mode: 0o600 });
  console.log('Created config/.env with fresh random secrets (edit it to change settings).');
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

async function buildIfNeeded() {
  const built = Object.values(ENTRY).every((f) => existsSync(f));
  const oldestBuild = built ? Math.min(...Object.values(ENTRY).map((f) => statSync(f).mtimeMs)) : 0;
  if (built && Math.max(newestMtime('apps'), newestMtime('libs')) <= oldestBuild) return;
  console.log('Building...');
  await run(process.execPath, ['scripts/build.mjs']);
}

function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(' ')} exited with ${code}`))));
  });
}

const children = new Map();
let stopping = false;

function start(name) {
  const child = spawn(process.execPath, ['--enable-source-maps', ENTRY[name]], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  for (const stream of [child.stdout, child.stderr]) {
    let buffer = '';
    stream.on('data', (chunk) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop();
      for (const line of lines) process.stdout.write(`[${name}] ${line}\n`);
    });
  }
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (!stopping) {
      console.error(`[${name}] exited (${signal ?? code}); stopping everything.`);
      stop(code || 1);
    }
  });
  children.set(name, child);
  return child;
}

function stop(code = 0) {
  stopping = true;
  for (const child of children.values()) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 12_000).unref();
  const wait = setInterval(() => {
    if (children.size === 0) {
      clearInterval(wait);
      process.exit(code);
    }
  }, 100);
}

async function waitFor(name, url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!children.has(name)) throw new Error(`${name} stopped before it was ready`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${name} did not become ready at ${url} within ${timeoutMs / 1000}s`);
}

function envValue(key, fallback) {
  const fromFile = readFileSync('config/.env', 'utf8').match(new RegExp(`^${key}=(.*)$`, 'm'))?.[1];
  return process.env[key] ?? (fromFile || fallback);
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

try {
  ensureEnvFile();
  await buildIfNeeded();
  const sandboxPort = envValue('SANDBOX_PORT', '4000');
  const publicBaseUrl = envValue('PUBLIC_BASE_URL', `http://localhost:${envValue('API_PORT', '3000')}`);
  start('sandbox');
  await waitFor('sandbox', `http://localhost:${sandboxPort}/__sandbox/posts`, 30_000);
  start('api');
  await waitFor('api', `${publicBaseUrl}/api/health`, 90_000);
  start('worker');
  console.log(`
  UMKM of The Week is running.
    API docs        ${publicBaseUrl}/api/docs
    Health          ${publicBaseUrl}/api/health
    Sandbox posts   http://localhost:${sandboxPort}/__sandbox/posts   (what the demo "published")
  The demo's first feature publishes about a minute after a first start. Ctrl+C stops everything.
`);
} catch (error) {
  console.error(`\nnpm start failed: ${error.message}\n`);
  stop(1);
}
