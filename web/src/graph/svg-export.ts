/**
 * SVG export of the visible canvas: nodes (with their rendered colour and size), straight edges
 * with arrowheads and labels. A faithful vector copy for reports; PNG stays pixel-exact.
 */
import type { Core } from 'cytoscape';
import { BANNER_HEIGHT, canvasTlp, svgBanners } from './export-marking';

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function canvasToSvg(cy: Core): string {
  const eles = cy.elements().filter((e) => e.visible());
  const box = eles.boundingBox({});
  const pad = 20;
  const width = Math.max(1, Math.ceil(box.w + pad * 2));
  // The drawing sits between two TLP banners (the most restrictive marking drawn).
  const height = Math.max(1, Math.ceil(box.h + pad * 2)) + 2 * BANNER_HEIGHT;
  const ox = -box.x1 + pad;
  const oy = -box.y1 + pad + BANNER_HEIGHT;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif">`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#6c757d"/></marker></defs>',
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
  ];
  eles.edges().forEach((edge) => {
    const s = edge.sourceEndpoint();
    const t = edge.targetEndpoint();
    const colour = String(edge.style('line-color'));
    const w = parseFloat(String(edge.style('width'))) || 1;
    const dash = edge.style('line-style') === 'dashed' ? ' stroke-dasharray="6 4"' : '';
    parts.push(`<line x1="${(s.x + ox).toFixed(1)}" y1="${(s.y + oy).toFixed(1)}" x2="${(t.x + ox).toFixed(1)}" y2="${(t.y + oy).toFixed(1)}" stroke="${esc(colour)}" stroke-width="${w}"${dash} marker-end="url(#arrow)"/>`);
    const label = String(edge.data('label') ?? '');
    if (label) {
      const m = edge.midpoint();
      parts.push(`<text x="${(m.x + ox).toFixed(1)}" y="${(m.y + oy).toFixed(1)}" font-size="7" fill="#495057" text-anchor="middle">${esc(label)}</text>`);
    }
  });
  eles.nodes().forEach((node) => {
    const p = node.position();
    const r = node.width() / 2;
    const fill = String(node.style('background-color'));
    const stroke = String(node.style('border-color'));
    const sw = parseFloat(String(node.style('border-width'))) || 0;
    const shape = String(node.style('shape'));
    const x = p.x + ox;
    const y = p.y + oy;
    if (shape.includes('rectangle') || shape === 'barrel') {
      parts.push(`<rect x="${(x - r).toFixed(1)}" y="${(y - r).toFixed(1)}" width="${(2 * r).toFixed(1)}" height="${(2 * r).toFixed(1)}" rx="${shape.startsWith('round') ? 4 : 0}" fill="${esc(fill)}" stroke="${esc(stroke)}" stroke-width="${sw}"/>`);
    } else if (shape.includes('diamond')) {
      parts.push(`<polygon points="${x},${y - r} ${x + r},${y} ${x},${y + r} ${x - r},${y}" fill="${esc(fill)}" stroke="${esc(stroke)}" stroke-width="${sw}"/>`);
    } else {
      parts.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${r.toFixed(1)}" fill="${esc(fill)}" stroke="${esc(stroke)}" stroke-width="${sw}"/>`);
    }
    parts.push(`<text x="${x.toFixed(1)}" y="${(y + r + 10).toFixed(1)}" font-size="9" text-anchor="middle" fill="#212529">${esc(String(node.data('label') ?? ''))}</text>`);
  });
  parts.push(svgBanners(canvasTlp(cy), width, height));
  parts.push('</svg>');
  return parts.join('\n');
}
