/**
 * `npm run bench:candidates` — ranking quality of candidate actors on ATT&CK Enterprise 18.1
 * (read from ../shared/corpus, no database): for every intrusion set with at least 10
 * techniques (its own plus its campaigns'), draw k = 3, 5, 10 of them (seeded), optionally plus
 * `noise` techniques it never used, rank all intrusion sets, and print top-1, top-5 and mean
 * reciprocal rank of the true group for
 *   - ours: api/src/domain/candidates (specificity, families, missing items; techniques only here),
 *   - plain Jaccard on techniques |O ∩ A| / |O ∪ A|,
 *   - random order,
 * all on the same draws. Ties count at their expected value under a random tie-break. Then the
 * calibration of our top candidate's probability: Brier score and a reliability table.
 *
 * Options: --draws N (per group and setting, default 10), --seed S (default 1), --noise N (noise
 * techniques in the noisy settings, default 2), --json.
 */
import { existsSync } from 'node:fs';
import { ATTACK_FILE, loadAttack } from './attack-profiles';
import { buildProfiles, CANDIDATE_CONFIG, rankCandidates, type ActorProfile, type ProfileItem } from '../api/src/domain/candidates';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** mulberry32: a small seeded PRNG, so every run draws the same incidents. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sample<T>(items: readonly T[], k: number, rnd: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, k);
}

/** Expected top-1, top-5 hit and reciprocal rank of `truth` given scores, ties broken at random. */
function rankStats(scores: ReadonlyMap<string, number>, truth: string) {
  const s = scores.get(truth)!;
  let better = 0;
  let ties = 0;
  for (const v of scores.values()) {
    if (v > s + 1e-12) better += 1;
    else if (Math.abs(v - s) <= 1e-12) ties += 1;
  }
  let rr = 0;
  let top1 = 0;
  let top5 = 0;
  for (let r = better + 1; r <= better + ties; r++) {
    rr += 1 / r;
    if (r === 1) top1 += 1;
    if (r <= 5) top5 += 1;
  }
  return { top1: top1 / ties, top5: top5 / ties, rr: rr / ties };
}

interface Tally { top1: number; top5: number; rr: number; n: number }
const tally = (): Tally => ({ top1: 0, top5: 0, rr: 0, n: 0 });
const addTo = (t: Tally, r: { top1: number; top5: number; rr: number }) => {
  t.top1 += r.top1; t.top5 += r.top5; t.rr += r.rr; t.n += 1;
};

function main() {
  if (!existsSync(ATTACK_FILE)) {
    process.stderr.write(`bench:candidates: ${ATTACK_FILE} is missing (needs ../shared/corpus)\n`);
    process.exit(2);
  }
  const draws = arg('--draws', 10);
  const seed = arg('--seed', 1);
  const noiseCount = arg('--noise', 2);
  // Constant overrides, to see how sensitive the figures are (docs/candidates.md).
  const config = {
    ...CANDIDATE_CONFIG,
    temperature: arg('--temperature', CANDIDATE_CONFIG.temperature),
    missingWeight: arg('--missing-weight', CANDIDATE_CONFIG.missingWeight),
    familyCredit: arg('--family-credit', CANDIDATE_CONFIG.familyCredit),
    unknownPrior: arg('--unknown-prior', CANDIDATE_CONFIG.unknownPrior),
  };
  const started = Date.now();
  const data = loadAttack();
  // Campaigns count toward their group; the ranking is over intrusion sets.
  const profiles = buildProfiles(data.actors).filter((p) => p.type === 'intrusion-set').map((p) => ({ ...p, root: true }));
  const techniquesOf = (p: ActorProfile) => [...p.items.values()].filter((i) => i.type === 'attack-pattern');
  const groups = profiles.filter((p) => techniquesOf(p).length >= 10);
  const rnd = prng(seed);

  const settings = [3, 5, 10].flatMap((k) => [0, noiseCount].map((noise) => ({ k, noise })));
  type Row = { k: number; noise: number; ours: Tally; jaccard: Tally; random: Tally };
  const results: Row[] = [];
  const calibration: Array<{ p: number; pKnown: number; hit: number }> = [];
  let rankMs = 0;
  let ranked = 0;
  for (const { k, noise } of settings) {
    const row: Row = { k, noise, ours: tally(), jaccard: tally(), random: tally() };
    for (const g of groups) {
      const own = techniquesOf(g);
      const ownIds = new Set(own.map((t) => t.id));
      const foreign = data.techniques.filter((t) => !ownIds.has(t.id));
      for (let d = 0; d < draws; d++) {
        const observed: ProfileItem[] = [...sample(own, k, rnd), ...sample(foreign, noise, rnd)];
        const t0 = performance.now();
        const ranking = rankCandidates(profiles, { items: observed, time: null }, { first: profiles.length, config });
        rankMs += performance.now() - t0;
        ranked += 1;
        // Unlisted actors (nothing shared) share the lowest score.
        const ours = new Map(profiles.map((p) => [p.id, -Infinity]));
        for (const c of ranking.candidates) ours.set(c.actor.id, c.score);
        addTo(row.ours, rankStats(ours, g.id));
        const lead = ranking.candidates[0];
        // Also the probability given that the actor is one of the graph's (the bench's truth always
        // is): the top candidate's share of the known actors' mass.
        const known = 1 - ranking.outsideGraphProbability;
        if (lead) calibration.push({ p: lead.probability, pKnown: lead.probability / known, hit: lead.actor.id === g.id ? 1 : 0 });
        else calibration.push({ p: 0, pKnown: 0, hit: 0 });

        const obs = new Set(observed.map((o) => o.id));
        const jac = new Map(
          profiles.map((p) => {
            const theirs = new Set(techniquesOf(p).map((t) => t.id));
            let inter = 0;
            for (const o of obs) if (theirs.has(o)) inter += 1;
            return [p.id, inter / (obs.size + theirs.size - inter)];
          }),
        );
        addTo(row.jaccard, rankStats(jac, g.id));
        addTo(row.random, rankStats(new Map(profiles.map((p) => [p.id, 0])), g.id));
      }
    }
    results.push(row);
  }

  const brier = calibration.reduce((s, c) => s + (c.p - c.hit) ** 2, 0) / calibration.length;
  const brierKnown = calibration.reduce((s, c) => s + (c.pKnown - c.hit) ** 2, 0) / calibration.length;
  const reliability = (key: 'p' | 'pKnown') => {
    const bins = Array.from({ length: 10 }, (_, i) => ({ from: i / 10, to: (i + 1) / 10, n: 0, p: 0, hits: 0 }));
    for (const c of calibration) {
      const b = bins[Math.min(9, Math.floor(c[key] * 10))]!;
      b.n += 1; b.p += c[key]; b.hits += c.hit;
    }
    return bins.filter((b) => b.n > 0).map((b) => ({ bin: `${b.from.toFixed(1)}–${b.to.toFixed(1)}`, n: b.n, meanP: b.p / b.n, hitRate: b.hits / b.n }));
  };
  const baseRate = calibration.reduce((s, c) => s + c.hit, 0) / calibration.length;
  const summary = {
    corpus: 'ATT&CK Enterprise 18.1',
    groups: groups.length,
    candidates: profiles.length,
    draws,
    seed,
    noise: noiseCount,
    config,
    results: results.map((r) => {
      const of = (t: Tally) => ({ top1: t.top1 / t.n, top5: t.top5 / t.n, mrr: t.rr / t.n });
      return { k: r.k, noise: r.noise, ours: of(r.ours), jaccard: of(r.jaccard), random: of(r.random) };
    }),
    brier,
    brierKnown,
    brierOfBaseRate: baseRate * (1 - baseRate),
    reliability: reliability('p'),
    reliabilityKnown: reliability('pKnown'),
    rankMsMean: rankMs / ranked,
    seconds: (Date.now() - started) / 1000,
  };
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return;
  }
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`.padStart(6);
  const f3 = (v: number) => v.toFixed(3);
  const out: string[] = [];
  out.push(`bench:candidates — ${summary.corpus}: ${groups.length} groups with ≥ 10 techniques, ranked among ${profiles.length} intrusion sets; ${draws} draws per group and setting, seed ${seed}`);
  out.push('');
  out.push('  k noise |      ours: top1   top5    MRR |   Jaccard: top1   top5    MRR |    random: top1   top5    MRR');
  for (const r of summary.results) {
    const cell = (m: { top1: number; top5: number; mrr: number }) => `${pct(m.top1)} ${pct(m.top5)}  ${f3(m.mrr)}`;
    out.push(`${String(r.k).padStart(3)} ${String(r.noise).padStart(5)} |      ${cell(r.ours)} |      ${cell(r.jaccard)} |      ${cell(r.random)}`);
  }
  out.push('');
  out.push(`Calibration of the top candidate's probability (${calibration.length} rankings; top-1 hit rate ${pct(baseRate).trim()}, a constant at that rate scores Brier ${summary.brierOfBaseRate.toFixed(3)}):`);
  out.push(`  as given (with "an actor not in the graph", prior ${config.unknownPrior}): Brier ${brier.toFixed(3)}`);
  out.push(`  given the actor is in the graph (p / (1 − p(not in graph))): Brier ${brierKnown.toFixed(3)}`);
  out.push('  bin        |  as given: n   mean p  hit rate | in graph: n   mean p  hit rate');
  const known = new Map(summary.reliabilityKnown.map((b) => [b.bin, b]));
  const given = new Map(summary.reliability.map((b) => [b.bin, b]));
  for (const bin of [...new Set([...given.keys(), ...known.keys()])].sort()) {
    const cell = (b: { n: number; meanP: number; hitRate: number } | undefined) => (b ? `${String(b.n).padStart(5)}   ${pct(b.meanP)}   ${pct(b.hitRate)}` : `${'-'.padStart(5)}   ${''.padStart(6)}   ${''.padStart(6)}`);
    out.push(`  ${bin}    | ${cell(given.get(bin))} | ${cell(known.get(bin))}`);
  }
  out.push('');
  out.push(`Ranking one incident against all groups (pure scoring, no database): ${summary.rankMsMean.toFixed(2)} ms mean; total ${summary.seconds.toFixed(1)} s`);
  process.stdout.write(`${out.join('\n')}\n`);
}

main();
