/**
 * Assessment engine benchmark (not a test): assesses generated cases with sensitivity, per-analyst
 * views, pooling and divergence — everything `assess` does — and prints per size the median and
 * the slowest of the timed runs (after warm-up runs), plus `assessmentHistory` for the smaller
 * size. Pure CPU, one thread; no database.
 *
 *   npm run bench:assessment [-- --runs 15 --sizes 10x1000x5,20x2000x5]
 *
 * A size is hypotheses × evidence items × analysts. Every analyst rates about 80 % of the cells
 * (the rest stay blank), items carry random Admiralty grades and weights, one item in ten is a
 * copy or derives from another (dependency groups), and every analyst gives a judgement.
 * The target of issue 17 is 20 × 2 000 × 5 in <= 200 ms. Run it alone (`flock /tmp/ag-bench.lock`):
 * other work on the machine makes the figures noisy.
 */
import { performance } from 'node:perf_hooks';
import { assess, assessmentHistory, RATINGS, SOURCE_RELIABILITIES, type AssessmentInput, type EvidenceInput } from '../api/src/domain/assessment';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const RUNS = Number(option('runs', '15'));
const SIZES = option('sizes', '10x1000x5,20x2000x5').split(',').map((s) => s.split('x').map(Number) as [number, number, number]);

/** Deterministic pseudo-random numbers (mulberry32), so every run assesses the same case. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateCase(hypotheses: number, items: number, analysts: number, seed = 17): AssessmentInput {
  const rnd = random(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(rnd() * values.length)]!;
  const hs = Array.from({ length: hypotheses }, (_, i) => ({ id: `h${String(i).padStart(3, '0')}`, name: `hypothesis ${i}`, status: 'open' as const }));
  const names = Array.from({ length: analysts }, (_, i) => `analyst-${i}`);
  const evidence: EvidenceInput[] = [];
  for (let i = 0; i < items; i += 1) {
    const id = `e${String(i).padStart(5, '0')}`;
    const day = 1 + Math.floor((i / items) * 28);
    const knownAt = `2025-12-${String(day).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}:00:00Z`;
    const ratings = hs.flatMap((h) =>
      names.flatMap((analyst) => (rnd() < 0.8 ? [{ hypothesisId: h.id, analyst, rating: pick(RATINGS), ratedAt: knownAt }] : [])),
    );
    const copy = i > 0 && rnd() < 0.05;
    evidence.push({
      id,
      name: copy ? evidence[i - 1]!.name : `observation ${i} ${Math.floor(rnd() * 1e9).toString(36)}`,
      knownAt,
      weight: 0.25 + rnd() * 2,
      reliability: pick(SOURCE_RELIABILITIES),
      credibility: pick([1, 2, 3, 4, 5, 6] as const),
      ...(rnd() < 0.05 ? { discredited: true } : {}),
      ...(i > 0 && rnd() < 0.05 ? { derivedFrom: [evidence[Math.floor(rnd() * i)]!.id] } : {}),
      ratings,
    });
  }
  const judgements = names.flatMap((analyst) => hs.map((h) => ({ analyst, hypothesisId: h.id, probability: rnd() / hypotheses * 2 })));
  return { hypotheses: hs, evidence, judgements };
}

/** Wall time and this process's CPU time (user + system), in ms: on a busy machine the CPU time
 * is the better estimate of what the work costs; the wall time is what a caller waits. */
function time(work: () => void): { wall: number; cpu: number } {
  const cpu = process.cpuUsage();
  const start = performance.now();
  work();
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / 1000 };
}

function summary(label: string, samples: Array<{ wall: number; cpu: number }>): void {
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const wall = samples.map((s) => s.wall);
  const cpu = samples.map((s) => s.cpu);
  console.log(
    `${label.padEnd(44)} wall median ${median(wall).toFixed(1).padStart(7)} ms (min ${Math.min(...wall).toFixed(1)}, max ${Math.max(...wall).toFixed(1)})` +
      `   CPU median ${median(cpu).toFixed(1).padStart(7)} ms (min ${Math.min(...cpu).toFixed(1)})   ${samples.length} runs`,
  );
}

const load = (await import('node:os')).loadavg()[0]!.toFixed(1);
console.log(`node ${process.version}, ${RUNS} timed runs after 3 warm-up runs per size; 1-minute load average ${load}`);
for (const [h, e, a] of SIZES) {
  const input = generateCase(h, e, a);
  const ratings = input.evidence.reduce((n, x) => n + x.ratings.length, 0);
  let result = assess(input);
  for (let i = 0; i < 3; i += 1) result = assess(input);
  summary(`assess ${h} hyp × ${e} items × ${a} analysts`, Array.from({ length: RUNS }, () => time(() => void assess(input))));
  console.log(`  ${ratings} ratings, ${result.sensitivity.length} sensitivity runs, ${result.evidence.filter((x) => x.groupSize > 1).length} items in shared groups, lead ${result.leadStatus}`);
}
const [h, e, a] = SIZES[0]!;
const small = generateCase(h, Math.min(e, 200), a);
summary(`assessmentHistory ${h} × ${Math.min(e, 200)} × ${a}`, Array.from({ length: Math.max(3, Math.floor(RUNS / 3)) }, () => time(() => void assessmentHistory(small))));
