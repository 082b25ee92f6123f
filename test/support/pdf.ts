/**
 * Reads a PDF as a person would look at it: pdf.js (pdfjs-dist) renders each page to a PNG image
 * (through @napi-rs/canvas) and gives its text lines, top to bottom, and the page size in points.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { expect } from 'vitest';

export interface PdfPage {
  /** Width and height in PostScript points (A4: 595 × 842). */
  width: number;
  height: number;
  /** Text items, top to bottom (y from the top, in points). */
  lines: { text: string; y: number }[];
  /** The page rendered at `scale`, as PNG. */
  png: Buffer;
  /** Mean luminance (0 black … 255 white) of the image's rows in [from, to) fractions of its height. */
  luminance(from: number, to: number): number;
}

const require = createRequire(import.meta.url);

export async function readPdf(bytes: Uint8Array, scale = 1): Promise<PdfPage[]> {
  const pdfjs = (await import(pathToFileURL(require.resolve('pdfjs-dist/legacy/build/pdf.mjs')).href)) as typeof import('pdfjs-dist');
  const { createCanvas } = (await import('@napi-rs/canvas')) as typeof import('@napi-rs/canvas');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, verbosity: 0 }).promise;
  const pages: PdfPage[] = [];
  try {
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const base = page.getViewport({ scale: 1 });
      const viewport = page.getViewport({ scale });
      const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
      const context = canvas.getContext('2d');
      await page.render({ canvas: canvas as unknown as HTMLCanvasElement, canvasContext: context as unknown as CanvasRenderingContext2D, viewport }).promise;
      const text = await page.getTextContent();
      const lines = text.items
        .flatMap((item) => ('str' in item && item.str.trim() ? [{ text: item.str, y: base.height - item.transform[5]! }] : []))
        .sort((a, b) => a.y - b.y);
      const image = context.getImageData(0, 0, canvas.width, canvas.height);
      pages.push({
        width: base.width,
        height: base.height,
        lines,
        png: canvas.toBuffer('image/png'),
        luminance(from, to) {
          const y0 = Math.floor(from * canvas.height), y1 = Math.max(y0 + 1, Math.floor(to * canvas.height));
          let sum = 0, count = 0;
          for (let y = y0; y < y1; y++) {
            for (let x = 0; x < canvas.width; x++) {
              const i = (y * canvas.width + x) * 4;
              sum += 0.2126 * image.data[i]! + 0.7152 * image.data[i + 1]! + 0.0722 * image.data[i + 2]!;
              count++;
            }
          }
          return sum / count;
        },
      });
      page.cleanup();
    }
  } finally {
    await doc.destroy();
  }
  return pages;
}

/**
 * Each page: A4, the TLP banner is the first and the last text, every other line lies clear of the
 * two banners, and the banners are drawn (dark bands on a white page).
 */
export function expectBannersOnEveryPage(pages: PdfPage[], tlp: string): void {
  expect(pages.length).toBeGreaterThan(0);
  for (const [n, page] of pages.entries()) {
    const where = `page ${n + 1} of ${pages.length}`;
    expect(Math.round(page.width), where).toBe(595);
    expect(Math.round(page.height), where).toBe(842);
    const first = page.lines[0]!, last = page.lines[page.lines.length - 1]!;
    expect(first.text, where).toBe(`TLP:${tlp}`);
    expect(last.text, where).toBe(`TLP:${tlp}`);
    expect(first.y, where).toBeLessThan(page.height * 0.1);
    expect(last.y, where).toBeGreaterThan(page.height * 0.9);
    const body = page.lines.slice(1, -1);
    expect(body.length, where).toBeGreaterThan(0);
    for (const line of body) {
      expect(line.y, `${where}: "${line.text}" clear of the top banner`).toBeGreaterThan(first.y + 8);
      expect(line.y, `${where}: "${line.text}" clear of the bottom banner`).toBeLessThan(last.y - 8);
    }
    const band = (y: number) => page.luminance((y - 8) / page.height, (y + 2) / page.height);
    expect(band(first.y), where).toBeLessThan(90);
    expect(band(last.y), where).toBeLessThan(90);
  }
}
