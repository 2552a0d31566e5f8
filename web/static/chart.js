// A trend line drawn as SVG: readings over a time window, with gaps where
// a reading has no value. Contacts (true/false) are drawn as steps of 0
// and 1.

const svgNS = 'http://www.w3.org/2000/svg';
const width = 800;
const height = 260;
const margin = { left: 64, right: 16, top: 14, bottom: 30 };
const yTicks = 4;
const xTicks = 6;

function el(name, attrs, text) {
  const node = document.createElementNS(svgNS, name);
  for (const [key, value] of Object.entries(attrs)) {
    node.setAttribute(key, value);
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

function readingValue(r) {
  if (typeof r.v === 'number') {
    return r.v;
  }
  if (typeof r.b === 'boolean') {
    return r.b ? 1 : 0;
  }
  return null;
}

// valueRange returns the y range, padded so the line does not touch the
// frame, and at least 1 wide for a flat line.
function valueRange(values) {
  let low = Math.min(...values);
  let high = Math.max(...values);
  if (high - low < 1e-9) {
    low -= 0.5;
    high += 0.5;
  }
  const pad = (high - low) * 0.05;
  return [low - pad, high + pad];
}

// pathData returns the line as SVG path data, starting a new segment
// after each reading without a value.
function pathData(readings, x, y, stepped) {
  let d = '';
  let open = false;
  let lastY = 0;
  for (const r of readings) {
    const v = readingValue(r);
    if (v === null) {
      open = false;
      continue;
    }
    const px = x(Date.parse(r.t)).toFixed(1);
    const py = y(v).toFixed(1);
    if (!open) {
      d += `M${px},${py}`;
    } else if (stepped) {
      d += `L${px},${lastY}L${px},${py}`;
    } else {
      d += `L${px},${py}`;
    }
    open = true;
    lastY = py;
  }
  return d;
}

// drawTrend replaces the contents of svg with the trend of reply, a
// /api/history reply. labels.empty is shown when no reading has a value;
// labels.time formats a Date for the time axis.
export function drawTrend(svg, reply, labels) {
  svg.replaceChildren();
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const values = reply.readings.map(readingValue).filter((v) => v !== null);
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  svg.append(el('rect', { x: margin.left, y: margin.top, width: plotW, height: plotH, class: 'frame' }));
  if (values.length === 0) {
    svg.append(el('text', { x: width / 2, y: height / 2, class: 'empty', 'text-anchor': 'middle' }, labels.empty));
    return;
  }

  const from = Date.parse(reply.from);
  const to = Date.parse(reply.to);
  const [low, high] = valueRange(values);
  const x = (ms) => margin.left + ((ms - from) / (to - from)) * plotW;
  const y = (v) => margin.top + (1 - (v - low) / (high - low)) * plotH;

  for (let i = 0; i <= yTicks; i++) {
    const v = low + ((high - low) * i) / yTicks;
    const py = y(v);
    svg.append(el('line', { x1: margin.left, x2: width - margin.right, y1: py, y2: py, class: 'grid' }));
    svg.append(el('text', { x: margin.left - 6, y: py + 4, 'text-anchor': 'end', class: 'axis' }, String(Number(v.toPrecision(4)))));
  }
  for (let i = 0; i <= xTicks; i++) {
    const ms = from + ((to - from) * i) / xTicks;
    let anchor = 'middle';
    if (i === 0) {
      anchor = 'start';
    } else if (i === xTicks) {
      anchor = 'end';
    }
    svg.append(el('text', { x: x(ms), y: height - 10, 'text-anchor': anchor, class: 'axis' }, labels.time(new Date(ms))));
  }

  const stepped = reply.readings.some((r) => typeof r.b === 'boolean');
  svg.append(el('path', { d: pathData(reply.readings, x, y, stepped), class: 'line' }));
}
