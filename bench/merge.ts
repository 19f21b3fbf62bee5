/**
 * Timeline merge throughput and memory: 8 sorted sources totalling 1M entries, 5% of them
 * cross-source duplicates (same Message-ID, same call logged twice, same source record in a
 * second feed, same SMS logged by two systems), against `concat + sort` of the same data (no
 * de-duplication) in the same run. Then the streaming form's memory at two sizes, each in a fresh
 * process, to show that it does not grow with n.
 *
 *   npm run bench:merge [-- --entries 1000000 --rounds 3]
 *
 * Rates are given per second of wall-clock time and per second of CPU time (user + system): on a
 * shared machine the CPU-time rate is the steadier of the two.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mergeTimelines, type MergeStats, type TimelineItem } from '../src/index.js';
import { argNumber, median, printTable } from './util.js';

const SOURCES = ['mail', 'crm', 'phone', 'erp', 'chat', 'portal', 'sms', 'billing'] as const;
const CHANNEL: Record<string, string> = { mail: 'email', crm: 'email', phone: 'phone', erp: 'email', chat: 'chat', portal: 'portal', sms: 'sms', billing: 'email' };
/** One year of history: about 31.5 s between entries overall, 252 s within one source. */
const START = Date.UTC(2025, 0, 1);
const STEP = 252_000;
const OFFSET = 31_000;
const CUSTOMERS = 20_000;

/** A small deterministic hash in [0, 1). */
function unit(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be5ab, 0xc2b2ae35);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return (h >>> 0) / 4_294_967_296;
}

function original(source: number, j: number): TimelineItem {
  const system = SOURCES[source]!;
  const channel = CHANNEL[system]!;
  const customer = Math.floor(unit(source, j) * CUSTOMERS);
  const invoice = 10_000 + ((j * 7 + source) % 90_000);
  return {
    id: `${system}-${j}`,
    at: new Date(START + j * STEP + source * OFFSET).toISOString(),
    kind: 'communication',
    source: { system, externalId: `${system.toUpperCase()}-${j}` },
    customerId: `C${customer}`,
    channel,
    direction: j % 3 === 0 ? 'inbound' : 'outbound',
    subject: `Invoice INV-${invoice}`,
    body: `Customer asks about invoice INV-${invoice} and the freight line.`,
    messageId: channel === 'email' ? `${system}.${j}@seller.example` : undefined,
  };
}

/**
 * Entry `j` of source `source`. Odd sources copy about 10% of their even neighbour's entries (5%
 * of all entries): crm keeps the mail server's Message-ID, erp logs the phone system's call 40 s
 * later, portal re-delivers chat's source record, billing logs the SMS 30 s later.
 */
function entry(source: number, j: number): TimelineItem {
  if (source % 2 === 1 && unit(source * 7919, j) < 0.1) {
    const of = original(source - 1, j);
    const system = SOURCES[source]!;
    const ms = Date.parse(of.at);
    switch (SOURCES[source - 1]) {
      case 'mail':
        return { ...of, id: `${system}-${j}`, at: new Date(ms + 1_000).toISOString(), source: { system, externalId: `BCC-${j}` } };
      case 'phone':
        return { ...of, id: `${system}-${j}`, at: new Date(ms + 40_000).toISOString(), source: { system, externalId: `ACT-${j}` }, subject: 'Call logged by agent' };
      case 'chat':
        return { ...of, id: `${system}-${j}`, subject: `${of.subject} (feed 2)` };
      default:
        return { ...of, id: `${system}-${j}`, at: new Date(ms + 30_000).toISOString(), source: { system, externalId: `LOG-${j}` } };
    }
  }
  return original(source, j);
}

function* sourceStream(source: number, count: number): Generator<TimelineItem> {
  for (let j = 0; j < count; j++) yield entry(source, j);
}

const perSource = (entries: number) => Math.floor(entries / SOURCES.length);

function materialise(entries: number): TimelineItem[][] {
  return SOURCES.map((_, source) => Array.from(sourceStream(source, perSource(entries))));
}

const byInstantThenId = (a: TimelineItem, b: TimelineItem) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

async function* asAsync<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;
const rate = (perSecond: number) => `${(perSecond / 1e6).toFixed(2)}M/s`;

/**
 * Child-process probe: streams `entries` generated entries (through the merge, or just reading
 * them) and reports the live heap after a full collection, sampled every 50 000 entries, the
 * process's peak RSS, and the merge's largest look-back window.
 */
function probe(entries: number, mode: 'merge' | 'read'): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run the probe with --expose-gc');
  let liveHeap = 0;
  let count = 0;
  const sample = () => {
    gc();
    liveHeap = Math.max(liveHeap, process.memoryUsage().heapUsed);
  };
  let stats: MergeStats | undefined;
  if (mode === 'read') {
    for (let source = 0; source < SOURCES.length; source++) for (const _ of sourceStream(source, perSource(entries))) if (++count % 50_000 === 0) sample();
  } else {
    const merged = mergeTimelines(SOURCES.map((_, source) => sourceStream(source, perSource(entries))));
    for (;;) {
      const next = merged.next();
      if (next.done) {
        stats = next.value;
        break;
      }
      if (++count % 50_000 === 0) sample();
    }
  }
  sample();
  console.log(JSON.stringify({ count, liveHeap, maxRss: process.resourceUsage().maxRSS * 1024, maxPending: stats?.maxPending ?? 0 }));
}

function runProbe(entries: number, mode: 'merge' | 'read'): { count: number; liveHeap: number; maxRss: number; maxPending: number } {
  const script = fileURLToPath(import.meta.url);
  const child = spawnSync(process.execPath, [...process.execArgv, '--expose-gc', script, '--probe', String(entries), '--mode', mode], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`memory probe failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop()!);
}

/** Runs `work` and returns entries per second of wall-clock time and of CPU time (user + system). */
async function measure(total: number, work: () => unknown): Promise<{ wall: number; cpu: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await work();
  const wall = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { wall: total / wall, cpu: total / ((used.user + used.system) / 1e6) };
}

async function main(): Promise<void> {
  const entries = argNumber('entries', 1_000_000);
  const rounds = argNumber('rounds', 3);
  const sources = materialise(entries);
  const total = sources.reduce((sum, source) => sum + source.length, 0);

  const concatSort = () => {
    const all = ([] as TimelineItem[]).concat(...sources);
    all.sort(byInstantThenId);
    if (all.length !== total) throw new Error('lost entries');
  };
  let stats: MergeStats | undefined;
  const mergeSync = (options?: Parameters<typeof mergeTimelines>[1]) => () => {
    const merged = mergeTimelines(sources, options);
    let written = 0;
    for (;;) {
      const next = merged.next();
      if (next.done) {
        if (options === undefined) stats = next.value;
        if (written !== next.value.written) throw new Error('miscounted');
        return;
      }
      written++;
    }
  };
  const mergeAsync = async () => {
    let written = 0;
    for await (const _ of mergeTimelines(sources.map((source) => asAsync(source)))) written++;
    if (written !== stats!.written) throw new Error('async merge wrote a different number of entries');
  };

  const runs = {
    sort: [] as { wall: number; cpu: number }[],
    merge: [] as { wall: number; cpu: number }[],
    noFingerprint: [] as { wall: number; cpu: number }[],
    async: [] as { wall: number; cpu: number }[],
  };
  await measure(total, concatSort); // warm-up
  await measure(total, mergeSync());
  for (let round = 0; round < rounds; round++) {
    // Interleaved, so that a slow moment of a shared machine hits every contender alike.
    runs.sort.push(await measure(total, concatSort));
    runs.merge.push(await measure(total, mergeSync()));
    runs.noFingerprint.push(await measure(total, mergeSync({ fingerprint: false })));
    runs.async.push(await measure(total, mergeAsync));
  }
  const med = (list: { wall: number; cpu: number }[]) => ({ wall: median(list.map((r) => r.wall)), cpu: median(list.map((r) => r.cpu)) });
  const sort = med(runs.sort);
  const row = (label: string, r: { wall: number; cpu: number }): [string, string] => [
    label,
    `${rate(r.wall)} wall (${(r.wall / sort.wall).toFixed(2)}x)   ${rate(r.cpu)} cpu (${(r.cpu / sort.cpu).toFixed(2)}x)`,
  ];
  const s = stats!;
  const folded = s.duplicates.id + s.duplicates.source + s.duplicates.messageId + s.duplicates.fingerprint;
  printTable(`merge: ${total} entries in ${SOURCES.length} sorted sources, median of ${rounds} rounds (ratio to concat + sort)`, [
    ['duplicates folded (messageId / fingerprint / source / id)', `${folded} (${s.duplicates.messageId} / ${s.duplicates.fingerprint} / ${s.duplicates.source} / ${s.duplicates.id}) = ${((folded / total) * 100).toFixed(1)}%`],
    ['entries written', String(s.written)],
    row('concat + sort, no de-dup (baseline)', sort),
    row('mergeTimelines, arrays (sync generator)', med(runs.merge)),
    row('mergeTimelines, arrays, fingerprint layer off', med(runs.noFingerprint)),
    row('mergeTimelines, async iterables (AsyncGenerator)', med(runs.async)),
    ['look-back window at its largest', `${s.maxPending} groups`],
  ]);

  const small = Math.max(SOURCES.length, Math.floor(entries / 10));
  const rows: [string, string][] = [];
  for (const n of [small, entries]) {
    const read = runProbe(n, 'read');
    const merge = runProbe(n, 'merge');
    rows.push([`n = ${n}: reading the generated sources only`, `live heap ${mb(read.liveHeap)}, max RSS ${mb(read.maxRss)}`]);
    rows.push([`n = ${n}: streaming merge of the same`, `live heap ${mb(merge.liveHeap)}, max RSS ${mb(merge.maxRss)}, window ${merge.maxPending} groups`]);
  }
  printTable('streaming merge memory (sources are generators; each size in a fresh process; live heap after GC, sampled every 50 000 entries)', rows);
}

const probeAt = process.argv.indexOf('--probe');
if (probeAt !== -1) probe(Number(process.argv[probeAt + 1]), process.argv[process.argv.indexOf('--mode') + 1] === 'read' ? 'read' : 'merge');
else await main();
