// A small grouped bar chart drawn as inline SVG (no library, no third-party request,
// nothing the CSP forbids: presentation comes from classes in site.css).
const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  node.append(...children);
  return node;
}

/**
 * days: [{ day: 'YYYY-MM-DD', …values }], series: [{ key, label, class }]. One group of
 * bars per day, a y axis from 0 to the largest value, every seventh day back from the last named.
 */
export function barChart(days, series, labelledBy) {
  const width = 640, height = 220, left = 32, bottom = 28, top = 10;
  const max = Math.max(1, ...days.flatMap((d) => series.map((s) => d[s.key])));
  const step = 10 ** Math.floor(Math.log10(max));
  const ceiling = Math.ceil(max / step) * step;
  const plotH = height - bottom - top;
  const slot = (width - left) / days.length;
  const barW = Math.max(2, (slot - 4) / series.length);
  const y = (v) => top + plotH - (v / ceiling) * plotH;
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-labelledby': labelledBy });
  const ticks = Number.isInteger(ceiling / 2) ? [0, ceiling / 2, ceiling] : [0, ceiling];
  for (const v of ticks) {
    root.append(svg('line', { x1: left, x2: width, y1: y(v), y2: y(v), class: 'chart__grid' }));
    root.append(svg('text', { x: left - 4, y: y(v) + 4, class: 'chart__axis', 'text-anchor': 'end' }, String(v)));
  }
  days.forEach((d, i) => {
    const x0 = left + i * slot + 2;
    series.forEach((s, j) => {
      const v = d[s.key];
      const bar = svg('rect', { x: x0 + j * barW, y: y(v), width: barW - 1, height: y(0) - y(v), class: `chart__bar ${s.class}` });
      bar.append(svg('title', {}, `${d.day} ${s.label} ${v}件`));
      root.append(bar);
    });
    if ((days.length - 1 - i) % 7 === 0) {
      root.append(svg('text', { x: x0 + slot / 2, y: height - 8, class: 'chart__axis', 'text-anchor': 'middle' }, d.day.slice(5).replace('-', '/')));
    }
  });
  const legend = document.createElement('p');
  legend.className = 'chart__legend';
  for (const s of series) {
    const key = document.createElement('span');
    key.className = `chart__key ${s.class}`;
    legend.append(key, ` ${s.label}　`);
  }
  const box = document.createElement('figure');
  box.className = 'chart-box';
  box.append(root, legend);
  return box;
}
