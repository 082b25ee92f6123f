/**
 * Where a Node process spent its CPU, from a V8 `.cpuprofile` (node --cpu-prof): self time per
 * package (neo4j-driver, graphql, graphql-yoga, …), per file of ours, and the functions with the
 * most self time. Used by `npm run bench:api -- --cpu-prof DIR`, which profiles the API process
 * under load; `npx tsx bench/cpu-profile.ts FILE` summarises any profile.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

/** Frames that do work on someone else's behalf: their time goes to the nearest caller that is not one of them. */
const ON_BEHALF = new Set(['node internals', '(native)', '(program)']);

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
}

/** What a frame belongs to: a package, one of our files, Node itself, or V8's pseudo-frames. */
export function categoryOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const ours = /\/(api|schema|importers)\/src\/(.*)$|\/(schema|importers)\/(.*)$/.exec(url);
  if (ours) return `ours: ${(ours[2] ?? ours[4] ?? url).replace(/\?.*$/, '')}`;
  return url.replace(/^file:\/\//, '');
}

/** Busy (not idle) milliseconds of a profile: the main thread is the busiest of a process's profiles. */
export function busyMs(file: string): number {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const perSample = (profile.endTime - profile.startTime) / 1000 / (profile.samples.length || 1);
  return profile.nodes.reduce((sum, n) => sum + (n.callFrame.functionName === '(idle)' ? 0 : (n.hitCount ?? 0) * perSample), 0);
}

export function summariseProfile(file: string, top = 20): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const samples = profile.samples.length || 1;
  const perSample = totalMs / samples;
  const byCategory = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const byOwner = new Map<string, number>();
  const parent = new Map<number, ProfileNode>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node);
  const ownerOf = (node: ProfileNode): string => {
    for (let at: ProfileNode | undefined = node; at; at = parent.get(at.id)) {
      const category = categoryOf(at.callFrame);
      if (!ON_BEHALF.has(category) && category !== '(root)') return category;
    }
    return categoryOf(node.callFrame);
  };
  let busy = 0;
  for (const node of profile.nodes) {
    const ms = (node.hitCount ?? 0) * perSample;
    if (ms === 0) continue;
    const category = categoryOf(node.callFrame);
    byCategory.set(category, (byCategory.get(category) ?? 0) + ms);
    if (category !== '(idle)') busy += ms;
    const name = `${node.callFrame.functionName || '(anonymous)'}  [${category}${node.callFrame.url ? `:${node.callFrame.lineNumber + 1}` : ''}]`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
    const owner = ownerOf(node);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + ms);
  }
  const pct = (ms: number, of: number) => `${((ms / of) * 100).toFixed(1).padStart(5)} %`;
  const lines = [`CPU profile ${file}: ${totalMs.toFixed(0)} ms wall, ${busy.toFixed(0)} ms busy (not idle); shares of busy time`];
  lines.push('', 'self time by package / file:');
  const rank = (m: Map<string, number>) => [...m].filter(([k]) => k !== '(idle)').sort((a, b) => b[1] - a[1]);
  for (const [name, ms] of rank(byCategory).slice(0, top)) lines.push(`  ${pct(ms, busy)}  ${ms.toFixed(0).padStart(7)} ms  ${name}`);
  lines.push('', 'the same, Node internals and native calls (socket writes, parsing, timers) charged to the package or file that called them:');
  for (const [name, ms] of rank(byOwner).slice(0, top)) lines.push(`  ${pct(ms, busy)}  ${ms.toFixed(0).padStart(7)} ms  ${name}`);
  lines.push('', `top ${top} functions by self time:`);
  for (const [name, ms] of rank(byFunction).filter(([k]) => !k.startsWith('(idle)')).slice(0, top)) lines.push(`  ${pct(ms, busy)}  ${ms.toFixed(0).padStart(7)} ms  ${name}`);
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: tsx bench/cpu-profile.ts FILE.cpuprofile\n');
    process.exit(2);
  }
  process.stdout.write(`${summariseProfile(file, Number(process.argv[3]) || 20)}\n`);
}
