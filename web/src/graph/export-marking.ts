/**
 * TLP marking of image exports (PNG, SVG): a banner at the top and the bottom of the image with
 * the most restrictive TLP among the objects drawn (FIRST TLP 2.0 colours: coloured text on
 * black), so an image pasted into a report keeps its sharing rule. An object without a marking
 * counts as CLEAR, as everywhere in the explorer.
 */
import type { Core } from 'cytoscape';
import { TLP_LEVELS, TLP_TEXT_COLOURS, type TlpLevel } from '../../../schema/graph/kinds';

/** The most restrictive TLP among these levels (CLEAR when none). */
export function highestTlp(levels: Iterable<string | undefined>): TlpLevel {
  let rank = 0;
  for (const level of levels) {
    const r = TLP_LEVELS.indexOf((level ?? 'CLEAR') as TlpLevel);
    if (r > rank) rank = r;
  }
  return TLP_LEVELS[rank]!;
}

/** The marking of what the canvas shows (visible nodes only). */
export function canvasTlp(cy: Core): TlpLevel {
  return highestTlp(cy.nodes().filter((n) => n.visible()).map((n) => n.data('tlp') as string | undefined));
}

export const BANNER_HEIGHT = 22;

/** SVG elements of the two banners for an image `width` × `height` (banners included in the height). */
export function svgBanners(tlp: TlpLevel, width: number, height: number): string {
  const text = `TLP:${tlp}`;
  const banner = (y: number) =>
    `<rect x="0" y="${y}" width="${width}" height="${BANNER_HEIGHT}" fill="#000000"/>` +
    `<text x="${width / 2}" y="${y + 15}" font-size="13" font-weight="700" text-anchor="middle" fill="${TLP_TEXT_COLOURS[tlp]}" class="tlp-marking">${text}</text>`;
  return banner(0) + banner(height - BANNER_HEIGHT);
}

/** The PNG with the banners added above and below (scale: the PNG's pixel ratio). */
export async function markPng(png: Blob, tlp: TlpLevel, scale = 2): Promise<Blob> {
  const image = await createImageBitmap(png);
  const band = Math.round(BANNER_HEIGHT * scale);
  const canvas = document.createElement('canvas');
  canvas.width = image.width;
  canvas.height = image.height + 2 * band;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#000000';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(image, 0, band);
  ctx.fillStyle = TLP_TEXT_COLOURS[tlp];
  ctx.font = `700 ${Math.round(13 * scale)}px system-ui, sans-serif`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(`TLP:${tlp}`, canvas.width / 2, band / 2);
  ctx.fillText(`TLP:${tlp}`, canvas.width / 2, canvas.height - band / 2);
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('The PNG could not be encoded.'))), 'image/png'));
}
