/**
 * Web render benchmark (not a test): loads 1 000 / 5 000 / 10 000 elements of the ATT&CK
 * Enterprise corpus into the explorer's canvas (web/src/graph/canvas.ts, same stylesheet and
 * layout options) in Debian's Chromium, and prints per size and renderer:
 *   - first render: from creating the canvas to the first painted frame (preset positions);
 *   - layout: fcose as the explorer runs it (`draft` quality above 1 000 nodes);
 *   - pan frame time: median and p95 interval between animation frames while panning
 *     continuously for ~2 s (viewport optimisations on, as in the explorer).
 *
 *   npm run bench:web [-- --sizes 1000,5000 --renderers canvas,webgl --gpu]
 *
 * Headless Chromium without a GPU renders WebGL in software (SwiftShader): WebGL figures here are
 * a lower bound of what an analyst's machine does. Pass --gpu to let Chromium use one.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync, createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, resolve } from 'node:path';
import { build } from 'vite';
import { launchBrowser } from '../test/e2e/support/browser';
import { edgeTypeForRelationship } from '../schema/graph/kinds';
import type { GraphEdgeInput, GraphNodeInput } from '../web/src/graph/elements';

const CORPUS = resolve(import.meta.dirname, '../../shared/corpus/attack/enterprise-attack-18.1.stix20.json');
const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const SIZES = option('sizes', '1000,5000,10000').split(',').map(Number);
const RENDERERS = option('renderers', 'canvas,webgl').split(',') as ('canvas' | 'webgl')[];
const GPU = args.includes('--gpu');

interface StixLike { id: string; type: string; name?: string; created?: string; modified?: string; confidence?: number; relationship_type?: string; source_ref?: string; target_ref?: string; revoked?: boolean; x_mitre_deprecated?: boolean }

/** A connected sample: relationships in corpus order with their endpoints, until `size` elements. */
function sample(objects: StixLike[], size: number): { nodes: GraphNodeInput[]; edges: GraphEdgeInput[] } {
  const byId = new Map(objects.filter((o) => o.type !== 'relationship').map((o) => [o.id, o]));
  const nodes = new Map<string, GraphNodeInput>();
  const edges: GraphEdgeInput[] = [];
  for (const rel of objects) {
    if (nodes.size + edges.length >= size) break;
    if (rel.type !== 'relationship' || !rel.source_ref || !rel.target_ref) continue;
    const s = byId.get(rel.source_ref);
    const t = byId.get(rel.target_ref);
    if (!s || !t) continue;
    for (const o of [s, t]) {
      if (!nodes.has(o.id)) nodes.set(o.id, { id: o.id, type: o.type, name: o.name ?? null, created: o.created ?? null, modified: o.modified ?? null, tlp: 'CLEAR' });
    }
    edges.push({ id: rel.id, type: edgeTypeForRelationship(rel.relationship_type ?? 'related-to'), source: s.id, target: t.id, relationshipType: rel.relationship_type ?? null, confidence: rel.confidence ?? null });
  }
  return { nodes: [...nodes.values()], edges };
}

const ENTRY = `
import { createCanvas } from ${JSON.stringify(resolve('web/src/graph/canvas.ts'))};
import { toElements } from ${JSON.stringify(resolve('web/src/graph/elements.ts'))};

const frame = () => new Promise((r) => requestAnimationFrame(r));

let current = null;
let intervals = [];
let recording = false;

window.prepare = async ({ nodes, edges, webgl }) => {
  const host = document.getElementById('cy');
  host.replaceChildren();
  const elements = toElements(nodes, edges);
  // Preset positions on a grid: the first render measures drawing, not layout.
  const side = Math.ceil(Math.sqrt(nodes.length));
  elements.forEach((e, i) => { if (e.group === 'nodes') e.position = { x: (i % side) * 60, y: Math.floor(i / side) * 60 }; });
  const t0 = performance.now();
  current = createCanvas(host, elements, {}, { webgl });
  current.cy.fit();
  // Cytoscape draws on the next animation frame (the WebGL path emits no 'render' event): the
  // second frame callback runs once the first frame with the graph has been produced.
  await frame(); await frame();
  const firstRender = performance.now() - t0;
  const run = await current.layout('fcose');
  await frame(); await frame();
  return { nodes: current.cy.nodes().length, edges: current.cy.edges().length, webgl: current.webgl, firstRender, layout: run.ms };
};

let panStart = null;
window.startFrames = () => {
  panStart = { ...current.cy.pan() };
  intervals = [];
  recording = true;
  let last = performance.now();
  const tick = (now) => {
    if (!recording) return;
    intervals.push(now - last);
    last = now;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
};

window.stopFrames = () => {
  recording = false;
  const sorted = intervals.slice(1).sort((a, b) => a - b);
  const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
  const pan = current.cy.pan();
  return { panMedian: q(0.5), panP95: q(0.95), frames: sorted.length, pannedPx: Math.hypot(pan.x - panStart.x, pan.y - panStart.y) };
};

window.teardown = () => { current?.destroy(); current = null; };
window.benchReady = true;
`;

async function main(): Promise<void> {
  const pageDir = resolve('test-artifacts', 'bench-web-page');
  const outDir = resolve('test-artifacts', 'bench-web-dist');
  rmSync(pageDir, { recursive: true, force: true });
  mkdirSync(pageDir, { recursive: true });
  writeFileSync(join(pageDir, 'index.html'), '<!doctype html><html><head><link rel="icon" href="data:,"></head><body style="margin:0"><div id="cy" style="width:1280px;height:800px"></div><script type="module" src="./entry.ts"></script></body></html>');
  writeFileSync(join(pageDir, 'entry.ts'), ENTRY);
  await build({ root: pageDir, configFile: false, logLevel: 'warn', build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: 4096 } });

  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
  const server = createServer((req, res) => {
    const path = join(outDir, (req.url ?? '/').split('?')[0] === '/' ? 'index.html' : (req.url ?? '').split('?')[0]!);
    if (!path.startsWith(outDir) || !existsSync(path) || !statSync(path).isFile()) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' });
    createReadStream(path).pipe(res);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  process.stderr.write('page served; loading the corpus…\n');
  const corpus = JSON.parse(readFileSync(CORPUS, 'utf8')) as { objects: StixLike[] };
  const objects = corpus.objects.filter((o) => !o.revoked && !o.x_mitre_deprecated);
  const browser = await launchBrowser({
    gpu: true,
    viewport: { width: 1280, height: 800 },
    extraArgs: GPU ? [] : (process.env.BENCH_GL_ARGS ?? '--enable-unsafe-swiftshader').split(' ').filter(Boolean),
  });
  const { page } = browser;
  page.setDefaultTimeout(600_000);
  if (process.env.BENCH_DEBUG) page.on('console', (m) => process.stderr.write(`[page ${m.type()}] ${m.text().slice(0, 200)}\n`));
  process.stderr.write('browser up\n');
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction(() => (window as unknown as { benchReady?: boolean }).benchReady === true);
  const webglInfo = await page.evaluate(() => {
    const gl = document.createElement('canvas').getContext('webgl2');
    const ext = gl?.getExtension('WEBGL_debug_renderer_info');
    return gl ? String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER)) : 'no WebGL2';
  });
  const chromeVersion = browser.context.browser()?.version() ?? 'chromium';
  process.stdout.write(`Chromium ${chromeVersion}, headless, 1280×800; WebGL: ${webglInfo}\n`);
  process.stdout.write('elements  nodes  edges  renderer  first render  layout (fcose)  pan frame median / p95  frames in 2 s\n');
  for (const size of SIZES) {
    const { nodes, edges } = sample(objects, size);
    for (const renderer of RENDERERS) {
      type BenchWindow = { prepare: (i: unknown) => Promise<Record<string, number | boolean>>; startFrames: () => void; stopFrames: () => Record<string, number>; teardown: () => void };
      const prepared = await page.evaluate((input) => (window as unknown as BenchWindow).prepare(input), { nodes, edges, webgl: renderer === 'webgl' });
      // Pan with real mouse drags (the renderer's viewport optimisations apply to user gestures).
      await page.evaluate(() => (window as unknown as BenchWindow).startFrames());
      // Start on the background (inside the fit padding), then circle around.
      await page.mouse.move(12, 12);
      await page.mouse.down();
      const until = Date.now() + 2_000;
      for (let i = 0; Date.now() < until; i++) {
        const angle = i / 15;
        await page.mouse.move(300 + Math.cos(angle) * 200, 300 + Math.sin(angle) * 150);
      }
      await page.mouse.up();
      const frames = await page.evaluate(() => (window as unknown as BenchWindow).stopFrames());
      await page.evaluate(() => (window as unknown as BenchWindow).teardown());
      const r = { ...prepared, ...frames };
      if (!(frames.pannedPx! > 0)) throw new Error('the drag did not pan the viewport');
      const ms = (v: unknown) => `${Number(v).toFixed(0)} ms`;
      process.stdout.write(
        `${String(size).padStart(8)}  ${String(r.nodes).padStart(5)}  ${String(r.edges).padStart(5)}  ${(r.webgl ? 'webgl' : 'canvas').padEnd(8)}  ${ms(r.firstRender).padStart(12)}  ${ms(r.layout).padStart(14)}  ${`${Number(r.panMedian).toFixed(1)} / ${Number(r.panP95).toFixed(1)} ms`.padStart(23)}  ${String(r.frames).padStart(6)}\n`,
      );
    }
  }
  if (browser.consoleErrors.length) process.stdout.write(`console errors: ${browser.consoleErrors.join(' | ')}\n`);
  await browser.close();
  server.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
