/** Legend of the types on the canvas, drawn from the stylesheet module (same colours, shapes). */
import { TLP_LEVELS } from '../../../schema/graph/kinds';
import { EDGE_FAMILY_COLOURS, kindStyle, TLP_COLOURS, type NodeShape } from '../graph/style';
import { h, svgEl } from './dom';

function shapePath(shape: NodeShape): SVGElement {
  const common = { stroke: '#fff', 'stroke-width': 1 };
  switch (shape) {
    case 'ellipse':
      return svgEl('circle', { cx: 8, cy: 8, r: 7, ...common });
    case 'rectangle': case 'round-rectangle': case 'cut-rectangle': case 'barrel':
      return svgEl('rect', { x: 1, y: 2, width: 14, height: 12, rx: shape === 'rectangle' ? 0 : 3, ...common });
    case 'triangle': case 'round-triangle': case 'vee':
      return svgEl('polygon', { points: '8,1 15,15 1,15', ...common });
    case 'diamond': case 'round-diamond': case 'rhomboid':
      return svgEl('polygon', { points: '8,0 16,8 8,16 0,8', ...common });
    case 'star':
      return svgEl('polygon', { points: '8,0 10,6 16,6 11,10 13,16 8,12 3,16 5,10 0,6 6,6', ...common });
    case 'tag': case 'round-tag':
      return svgEl('polygon', { points: '1,2 11,2 15,8 11,14 1,14', ...common });
    default:
      return svgEl('polygon', { points: '5,1 11,1 15,5 15,11 11,15 5,15 1,11 1,5', ...common });
  }
}

export function legendSwatch(stixType: string): SVGSVGElement {
  const style = kindStyle(stixType);
  const shape = shapePath(style.shape);
  shape.setAttribute('fill', style.colour);
  return svgEl('svg', { width: 16, height: 16, viewBox: '0 0 16 16', 'aria-hidden': 'true' }, shape);
}

export function renderLegend(container: HTMLElement, types: readonly string[]): void {
  const items = types.map((type) => h('li', {}, legendSwatch(type), h('span', {}, type)));
  container.replaceChildren(
    h('h2', {}, 'Legend'),
    types.length ? h('ul', { class: 'legend-list' }, items) : h('p', { class: 'hint' }, 'Nothing on the canvas yet.'),
    h('h3', {}, 'Border: TLP'),
    h('ul', { class: 'legend-list' }, TLP_LEVELS.map((level) =>
      h('li', {}, h('span', { class: 'tlp-dot', style: `border-color:${TLP_COLOURS[level]}` }), `TLP:${level}`))),
    h('h3', {}, 'Edges'),
    h('ul', { class: 'legend-list' },
      h('li', {}, h('span', { class: 'edge-line', style: `border-top-color:${EDGE_FAMILY_COLOURS.relationship}` }), 'relationship (width = confidence)'),
      h('li', {}, h('span', { class: 'edge-line dashed', style: `border-top-color:${EDGE_FAMILY_COLOURS.reference}` }), 'embedded reference')),
  );
}
