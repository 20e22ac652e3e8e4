// peer.js: the peer operator of bench/run-controller-bench.sh. A minimal operator on
// @kubernetes/client-node: one informer (list + watch) on example.dev Widgets in "default",
// a work queue with client-go's semantics (a key waiting is stored once; a key being
// reconciled is not handed to a second worker, and is queued again when done if it changed
// meanwhile), N async workers, and a reconciler that reads the cached object and does nothing.
// It runs the same modes as bench/controller_bench.cc and prints one JSON line with the same
// fields on stdout:
//
//   node [--expose-gc] peer.js --kubeconfig FILE --mode idle|cache|latency|throughput
//                             [--workers 4] [--patches 1000] [--seconds 5]
//                             [--patcher PATH_TO_controller_bench]   (latency only)
//
// The latency mode starts the same writer as controller_bench (`controller_bench --mode
// patch`: merge patches of one widget, 5 ms apart, each stamped with its send time in
// CLOCK_REALTIME ns) once the cache has synced, and measures to the start of the reconcile
// that sees each stamp.
//
// Only the kubeconfig's server (127.0.0.1) is contacted. A watchdog ends the process after
// PROCESS_BUDGET_MS whatever happens.
import { spawn } from 'node:child_process';
import * as k8s from '@kubernetes/client-node';

const GROUP = 'example.dev';
const VERSION = 'v1';
const PLURAL = 'widgets';
const NAMESPACE = 'default';
const STAMP_ANNOTATION = 'bench.upkeep.dev/sent-ns';
const LATENCY_WIDGET = 'widget-00000';
const SETTLE_BEFORE_RSS_MS = 2000;
const LAST_EVENT_WAIT_MS = 5000;
const PROCESS_BUDGET_MS = 170_000;
const SYNC_BUDGET_MS = 60_000;
const DRAIN_BUDGET_MS = 60_000;
const THROUGHPUT_BUDGET_MS = 60_000;
// Workers yield to the event loop this often, so watch events are read while keys are queued.
const YIELD_EVERY = 64;

function parseFlags(argv) {
  const flags = { kubeconfig: '', mode: '', workers: 4, patches: 1000, seconds: 5, patcher: '' };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '');
    const value = argv[i + 1];
    if (!(name in flags) || value === undefined) throw new Error(`bad flag ${argv[i]}`);
    flags[name] = typeof flags[name] === 'number' ? Number(value) : value;
  }
  if (!flags.kubeconfig || !['idle', 'cache', 'latency', 'throughput'].includes(flags.mode)) {
    throw new Error('usage: peer.js --kubeconfig FILE --mode idle|cache|latency|throughput');
  }
  if (flags.mode === 'latency' && !flags.patcher) throw new Error('--mode latency needs --patcher');
  return flags;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const yieldToEventLoop = () => new Promise((resolve) => setImmediate(resolve));
const rssKib = () => Math.round(process.memoryUsage().rss / 1024);
const keyOf = (obj) => `${obj.metadata.namespace}/${obj.metadata.name}`;
// Wall-clock time in µs (CLOCK_REALTIME, as the writer's stamps), with sub-ms resolution.
const nowMicros = () => (performance.timeOrigin + performance.now()) * 1000;

// client-go's work queue, minus rate limiting (a no-op reconcile never fails).
class WorkQueue {
  constructor() {
    this.queue = [];
    this.head = 0;
    this.dirty = new Set();
    this.processing = new Set();
    this.waiters = [];
  }

  add(key) {
    if (this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.queue.push(key);
    const waiter = this.waiters.shift();
    if (waiter) waiter();
  }

  // Resolves with the next key, now being processed.
  async get() {
    while (this.head >= this.queue.length) {
      await new Promise((resolve) => this.waiters.push(resolve));
    }
    const key = this.queue[this.head++];
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.dirty.delete(key);
    this.processing.add(key);
    return key;
  }

  done(key) {
    this.processing.delete(key);
    if (this.dirty.has(key)) {
      this.queue.push(key);
      const waiter = this.waiters.shift();
      if (waiter) waiter();
    }
  }
}

class Operator {
  constructor(kubeconfig, workers) {
    this.kc = new k8s.KubeConfig();
    this.kc.loadFromFile(kubeconfig);
    const server = this.kc.getCurrentCluster()?.server ?? '';
    if (!/^https?:\/\/127\.0\.0\.1:/.test(server)) {
      throw new Error(`only talks to 127.0.0.1; the kubeconfig says ${server}`);
    }
    this.api = this.kc.makeApiClient(k8s.CustomObjectsApi);
    this.queue = new WorkQueue();
    this.workers = workers;
    this.reconciles = 0;
    this.countWaiters = [];
    this.lastStampMicros = Infinity;  // no stamp counts until measureLatency lowers this
    this.latenciesMs = [];
    const path = `/apis/${GROUP}/${VERSION}/namespaces/${NAMESPACE}/${PLURAL}`;
    this.informer = k8s.makeInformer(this.kc, path, () =>
      this.api.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NAMESPACE, plural: PLURAL }),
    );
    const enqueue = (obj) => this.queue.add(keyOf(obj));
    this.informer.on('add', enqueue);
    this.informer.on('update', enqueue);
    this.informer.on('delete', enqueue);
    // The informer stops for good on an error (client-node does not retry), so the figures
    // would be of a dead operator: end the run instead.
    this.informer.on('error', (err) => fail(`informer error: ${err?.message ?? err}`));
  }

  async start() {
    const timer = setTimeout(() => fail('cache sync timed out'), SYNC_BUDGET_MS);
    await this.informer.start();  // resolves once listed and the watch is open
    clearTimeout(timer);
    for (let i = 0; i < this.workers; i++) this.runWorker();
  }

  async runWorker() {
    for (let n = 1; ; n++) {
      const key = await this.queue.get();
      try {
        await this.reconcile(key);
      } catch (err) {
        console.error(`[peer] reconcile ${key}:`, err?.message ?? err);
      }
      this.queue.done(key);
      if (n % YIELD_EVERY === 0) await yieldToEventLoop();
    }
  }

  // The reconciler: the latest cached state of the object, no API calls.
  async reconcile(key) {
    const now = nowMicros();
    const slash = key.indexOf('/');
    const obj = this.informer.get(key.slice(slash + 1), key.slice(0, slash));
    if (!obj) return;  // gone
    const stamp = obj.metadata?.annotations?.[STAMP_ANNOTATION];
    if (stamp !== undefined) {
      const micros = Number(BigInt(stamp) / 1000n);
      if (micros > this.lastStampMicros) {
        this.lastStampMicros = micros;
        this.latenciesMs.push((now - micros) / 1000);
      }
    }
    if ((obj.spec?.size ?? 0) < 0) throw new Error('negative size');
    this.reconciles++;
    while (this.countWaiters.length && this.countWaiters[0].count <= this.reconciles) {
      this.countWaiters.shift().resolve(true);
    }
  }

  // Resolves true once `count` reconciles have completed, false after `timeoutMs`.
  waitForReconciles(count, timeoutMs) {
    if (this.reconciles >= count) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = { count, resolve };
      const timer = setTimeout(() => {
        this.countWaiters = this.countWaiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      waiter.resolve = (v) => {
        clearTimeout(timer);
        resolve(v);
      };
      this.countWaiters.push(waiter);
      this.countWaiters.sort((a, b) => a.count - b.count);
    });
  }

  cachedObjects() {
    return this.informer.list(NAMESPACE);
  }

  async waitForInitialReconciles() {
    const objects = this.cachedObjects().length;
    if (!(await this.waitForReconciles(objects, DRAIN_BUDGET_MS))) {
      fail(`initial reconciles did not finish: ${this.reconciles} of ${objects}`);
    }
  }
}

function percentile(values, q) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(Math.max(Math.ceil(q * sorted.length), 1), sorted.length);
  return sorted[rank - 1];
}

async function measureMemory(op, flags) {
  await op.waitForInitialReconciles();
  await sleep(SETTLE_BEFORE_RSS_MS);
  const rss = rssKib();
  // What the heap keeps but the process no longer uses; informational only.
  let released = null;
  if (typeof global.gc === 'function') {
    global.gc();
    released = rssKib();
  }
  return { impl: 'peer', mode: flags.mode, objects: op.cachedObjects().length, rss_kib: rss, rss_released_kib: released };
}

// Runs `controller_bench --mode patch` and resolves with the JSON line it prints.
function runPatcher(flags) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      flags.patcher,
      ['--kubeconfig', flags.kubeconfig, '--mode', 'patch', '--patches', String(flags.patches)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk) => { out += chunk; });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`the patcher failed (exit ${code})`));
      try {
        resolve(JSON.parse(out));
      } catch (err) {
        reject(new Error(`the patcher printed no JSON: ${err.message}`));
      }
    });
  });
}

async function measureLatency(op, flags) {
  await op.waitForInitialReconciles();
  op.lastStampMicros = nowMicros();
  const patcher = await runPatcher(flags);
  for (let waited = 0; op.latenciesMs.length < flags.patches && waited < LAST_EVENT_WAIT_MS; waited += 5) {
    await sleep(5);
  }
  const l = op.latenciesMs;
  return {
    impl: 'peer', mode: 'latency', patches: flags.patches, samples: l.length,
    p50_ms: percentile(l, 0.5), p99_ms: percentile(l, 0.99), max_ms: percentile(l, 1), patcher,
  };
}

// Rounds of "enqueue every cached key, wait until each was reconciled", as controller_bench.
async function measureThroughput(op, flags) {
  await op.waitForInitialReconciles();
  const keys = op.cachedObjects().map(keyOf);
  if (keys.length === 0) fail('no cached widgets to reconcile');
  const base = op.reconciles;
  let done = 0;
  let rounds = 0;
  const started = performance.now();
  while (performance.now() - started < flags.seconds * 1000) {
    for (const key of keys) op.queue.add(key);
    done += keys.length;
    rounds++;
    const left = THROUGHPUT_BUDGET_MS - (performance.now() - started);
    if (!(await op.waitForReconciles(base + done, left))) fail('throughput round did not finish in time');
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    impl: 'peer', mode: 'throughput', workers: flags.workers, rounds, reconciles: done, seconds,
    reconciles_per_second: done / seconds,
  };
}

function fail(message) {
  console.error(`peer.js: ${message}`);
  process.exit(1);
}

async function main() {
  let flags;
  try {
    flags = parseFlags(process.argv.slice(2));
  } catch (err) {
    console.error(err.message);
    process.exit(2);
  }
  setTimeout(() => fail('time limit reached'), PROCESS_BUDGET_MS).unref();
  const op = new Operator(flags.kubeconfig, flags.workers);
  await op.start();
  let result;
  if (flags.mode === 'latency') result = await measureLatency(op, flags);
  else if (flags.mode === 'throughput') result = await measureThroughput(op, flags);
  else result = await measureMemory(op, flags);
  process.stdout.write(JSON.stringify(result) + '\n', () => process.exit(0));
}

main().catch((err) => fail(err?.stack ?? String(err)));
