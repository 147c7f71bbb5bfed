// Web console of the image gateway. Plain JavaScript, no dependencies: it talks to the gateway's own endpoints with
// the key kept in sessionStorage, and builds every element with textContent, so no prompt or filename is ever HTML.
'use strict';

const KEY_STORAGE = 'imageGatewayKey';
const GALLERY_PAGE = 12;
const $ = (id) => document.getElementById(id);

const state = { key: sessionStorage.getItem(KEY_STORAGE), galleryBefore: null, objectUrls: [] };

/** An error the gateway answered, with its message from the error contract. */
class GatewayError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function api(path, options = {}) {
  const headers = Object.assign({ 'X-API-KEY': state.key || '' }, options.headers || {});
  let response;
  try {
    response = await fetch(path, Object.assign({}, options, { headers }));
  } catch (e) {
    throw new GatewayError(0, 'The gateway cannot be reached. Is it running?');
  }
  if (response.status === 401) {
    forgetKey('The gateway did not accept this key. Enter a valid gateway key.');
    throw new GatewayError(401, 'Invalid API key');
  }
  if (!response.ok) {
    throw new GatewayError(response.status, await errorMessage(response));
  }
  return response;
}

async function errorMessage(response) {
  try {
    const body = await response.json();
    const message = typeof body.error === 'string' ? body.error : body.error && body.error.message;
    if (message) {
      return message + (response.headers.get('Retry-After') ? ' (try again in ' + response.headers.get('Retry-After') + ' s)' : '');
    }
  } catch (e) { /* not JSON: fall through */ }
  return 'The gateway answered HTTP ' + response.status;
}

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'text') node.textContent = value; else node.setAttribute(name, value);
  }
  children.forEach((child) => child && node.append(child));
  return node;
}

function formatBytes(n) {
  return n >= 1048576 ? (n / 1048576).toFixed(1) + ' MB' : Math.max(1, Math.round(n / 1024)) + ' KB';
}

function mediaType(filename) {
  const ext = filename.split('.').pop();
  return { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', bmp: 'image/bmp' }[ext] || 'image/png';
}

// --- the key --------------------------------------------------------------------------------------------------------

function forgetKey(message) {
  state.key = null;
  sessionStorage.removeItem(KEY_STORAGE);
  $('app').hidden = true;
  $('change-key').hidden = true;
  $('key-section').hidden = false;
  $('key-error').textContent = message || '';
  $('key-input').value = '';
  $('key-input').focus();
}

async function useKey(key) {
  state.key = key;
  const info = await (await api('/api/info')).json();
  sessionStorage.setItem(KEY_STORAGE, key);
  $('key-section').hidden = true;
  $('app').hidden = false;
  $('change-key').hidden = false;
  $('model-info').textContent = 'Default model ' + info.model + (info.provider === 'local' ? ' (offline provider)' : '');
  // the pickers come from the gateway's model catalog: today's models first, shut-down names after
  state.models = new Map(info.models.map((m) => [m.id, m]));
  const model = $('model');
  const order = (m) => (m.served_by ? 1 : 0);
  model.replaceChildren(...[...info.models].sort((a, b) => order(a) - order(b)).map((m) => el('option', {
    value: m.id, text: m.served_by ? m.id + ' → ' + m.served_by : m.id,
  })));
  model.value = info.model;
  model.onchange = () => chooseModel(model.value);
  chooseModel(info.model);
  $('tab-batches').hidden = !info.inbox;
  $('prompt').focus();
}

/** Fills the size picker with the model's sizes and says what the model is. */
function chooseModel(id) {
  const m = state.models.get(id);
  if (!m) return;
  const size = $('size');
  const previous = size.value;
  size.replaceChildren(...m.sizes.map((s) => el('option', { value: s, text: s })));
  size.value = m.sizes.includes(previous) ? previous : (m.sizes.includes(m.default_size) ? m.default_size : m.sizes[0]);
  $('prompt').maxLength = m.max_prompt_length;
  const notes = [];
  if (m.description) notes.push(m.description);
  if (m.served_by) notes.push('Shut down upstream; served by ' + m.served_by + '.');
  else if (m.shutdown_date) notes.push('Deprecated: shuts down on ' + m.shutdown_date + '.');
  $('model-note').textContent = notes.join(' ');
}

// --- generate -------------------------------------------------------------------------------------------------------

async function generate(event) {
  event.preventDefault();
  const prompt = $('prompt').value.trim();
  if (!prompt) {
    $('generate-error').textContent = 'Enter a prompt first.';
    return;
  }
  const started = performance.now();
  const button = $('generate-button');
  button.disabled = true;
  $('generate-error').textContent = '';
  $('progress').hidden = false;
  const timer = setInterval(() => {
    $('progress-text').textContent = 'Generating… ' + ((performance.now() - started) / 1000).toFixed(0) + ' s';
  }, 500);
  $('progress-text').textContent = 'Generating…';
  $('result').dataset.partialImages = '0';
  try {
    // the OpenAI door's stream: partial images while the image is made, then the image (OpenAI's SSE events)
    const response = await api('/v1/images/generations', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Authorization': 'Bearer ' + (state.key || '') },
      body: JSON.stringify({ prompt, model: $('model').value, size: $('size').value, stream: true, partial_images: 2 }),
    });
    await readEvents(response, (name, data) => {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      if (name === 'image_generation.partial_image') {
        showPartial(prompt, data, seconds);
      } else if (name === 'image_generation.completed') {
        showResult(prompt, data.b64_json, data.filename || '', seconds, data.output_format);
      } else if (name === 'error') {
        throw new GatewayError(500, (data.error && data.error.message) || 'The generation failed');
      }
    });
  } catch (e) {
    if (e.status !== 401) $('generate-error').textContent = e.message;
  } finally {
    clearInterval(timer);
    $('progress').hidden = true;
    button.disabled = false;
  }
}

/** Reads server-sent events off a fetch response as they arrive (ReadableStream), calling onEvent(name, json). */
async function readEvents(response, onEvent) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = 'message';
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) name = line.slice(7);
        else if (line.startsWith('data: ')) data += line.slice(6);
      }
      if (data) onEvent(name, JSON.parse(data));
    }
  }
}

function showPartial(prompt, data, seconds) {
  const figure = $('result');
  figure.dataset.partialImages = String(Number(figure.dataset.partialImages || 0) + 1);
  figure.classList.add('partial');
  const image = $('result-image');
  image.onload = null;
  image.alt = prompt + ' (partial image ' + (data.partial_image_index + 1) + ')';
  image.src = 'data:image/' + (data.output_format || 'png') + ';base64,' + data.b64_json;
  $('result-filename').textContent = 'Partial image ' + (data.partial_image_index + 1);
  $('result-details').textContent = seconds + ' s';
  figure.hidden = false;
}

function showResult(prompt, base64, filename, seconds, format) {
  $('result').classList.remove('partial');
  const image = $('result-image');
  const bytes = Math.floor(base64.length * 3 / 4);
  image.onload = () => {
    $('result-details').textContent = image.naturalWidth + '×' + image.naturalHeight + ' · ' + formatBytes(bytes) + ' · ' + seconds + ' s';
  };
  image.alt = prompt;
  image.src = 'data:' + (filename ? mediaType(filename) : 'image/' + (format || 'png')) + ';base64,' + base64;
  $('result-filename').textContent = filename;
  $('result-details').textContent = formatBytes(bytes) + ' · ' + seconds + ' s';
  $('result').hidden = false;
}

// --- edit -----------------------------------------------------------------------------------------------------------

// the image being edited (a Blob), the canvas that shows it, and the mask: opaque, cleared where the user paints
const edit = { blob: null, image: null, mask: null, painted: false };

async function useForEdit(blob) {
  edit.blob = blob;
  const url = URL.createObjectURL(blob);
  state.objectUrls.push(url);
  const image = new Image();
  await new Promise((resolve, reject) => { image.onload = resolve; image.onerror = reject; image.src = url; });
  edit.image = image;
  edit.mask = document.createElement('canvas');
  edit.mask.width = image.naturalWidth;
  edit.mask.height = image.naturalHeight;
  const mask = edit.mask.getContext('2d');
  mask.fillStyle = '#000';
  mask.fillRect(0, 0, image.naturalWidth, image.naturalHeight);
  edit.painted = false;
  const canvas = $('edit-canvas');
  canvas.width = image.naturalWidth;
  canvas.height = image.naturalHeight;
  canvas.dataset.painted = 'false';
  redrawEdit();
  $('edit-original').src = url;
  $('edit-stage').hidden = false;
  $('edit-compare').hidden = true;
  $('edit-error').textContent = '';
}

function redrawEdit() {
  const canvas = $('edit-canvas');
  const g = canvas.getContext('2d');
  g.globalCompositeOperation = 'source-over';
  g.drawImage(edit.image, 0, 0);
}

/** Painting: a round brush, on the canvas (shown in red) and on the mask (made transparent: where to edit). */
function paintAt(event) {
  const canvas = $('edit-canvas');
  const box = canvas.getBoundingClientRect();
  const x = (event.clientX - box.left) * canvas.width / box.width;
  const y = (event.clientY - box.top) * canvas.height / box.height;
  const radius = Math.max(6, canvas.width / 24);
  const g = canvas.getContext('2d');
  g.fillStyle = 'rgba(220, 38, 38, 0.45)';
  g.beginPath();
  g.arc(x, y, radius, 0, 2 * Math.PI);
  g.fill();
  const mask = edit.mask.getContext('2d');
  mask.globalCompositeOperation = 'destination-out';
  mask.beginPath();
  mask.arc(x, y, radius, 0, 2 * Math.PI);
  mask.fill();
  edit.painted = true;
  canvas.dataset.painted = 'true';
}

function clearMask() {
  if (!edit.image) return;
  const mask = edit.mask.getContext('2d');
  mask.globalCompositeOperation = 'source-over';
  mask.fillStyle = '#000';
  mask.fillRect(0, 0, edit.mask.width, edit.mask.height);
  edit.painted = false;
  $('edit-canvas').dataset.painted = 'false';
  redrawEdit();
}

async function submitEdit(event) {
  event.preventDefault();
  const prompt = $('edit-prompt').value.trim();
  if (!edit.blob) {
    $('edit-error').textContent = 'Choose an image to edit first.';
    return;
  }
  if (!prompt) {
    $('edit-error').textContent = 'Say what to change first.';
    return;
  }
  const started = performance.now();
  const button = $('edit-button');
  button.disabled = true;
  $('edit-error').textContent = '';
  $('edit-progress').hidden = false;
  const form = new FormData();
  form.append('image', edit.blob, 'image.' + (edit.blob.type.split('/')[1] || 'png'));
  if (edit.painted) {
    const maskBlob = await new Promise((resolve) => edit.mask.toBlob(resolve, 'image/png'));
    form.append('mask', maskBlob, 'mask.png');
  }
  form.append('prompt', prompt);
  // the gateway's default model (the Generate tab's picker offers models that may not edit), at the input's size
  form.append('size', 'auto');
  form.append('stream', 'true');
  form.append('partial_images', '2');
  const figure = $('edit-result');
  figure.dataset.partialImages = '0';
  try {
    const response = await api('/v1/images/edits', {
      method: 'POST', headers: { 'Authorization': 'Bearer ' + (state.key || '') }, body: form,
    });
    $('edit-compare').hidden = false;
    await readEvents(response, (name, data) => {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const image = $('edit-result-image');
      if (name === 'image_edit.partial_image') {
        figure.dataset.partialImages = String(Number(figure.dataset.partialImages) + 1);
        figure.classList.add('partial');
        image.alt = prompt + ' (partial image ' + (data.partial_image_index + 1) + ')';
        image.src = 'data:image/' + (data.output_format || 'png') + ';base64,' + data.b64_json;
        $('edit-result-details').textContent = seconds + ' s';
      } else if (name === 'image_edit.completed') {
        figure.classList.remove('partial');
        image.alt = prompt;
        image.src = 'data:image/' + (data.output_format || 'png') + ';base64,' + data.b64_json;
        $('edit-result-filename').textContent = data.filename || '';
        $('edit-result-details').textContent = seconds + ' s';
      } else if (name === 'error') {
        throw new GatewayError(500, (data.error && data.error.message) || 'The edit failed');
      }
    });
  } catch (e) {
    if (e.status !== 401) $('edit-error').textContent = e.message;
  } finally {
    $('edit-progress').hidden = true;
    button.disabled = false;
  }
}

// --- gallery --------------------------------------------------------------------------------------------------------

async function loadGallery(reset) {
  if (reset) {
    state.objectUrls.forEach((url) => URL.revokeObjectURL(url));
    state.objectUrls = [];
    state.galleryBefore = null;
    $('gallery-grid').replaceChildren();
  }
  $('gallery-status').textContent = 'Loading…';
  try {
    const query = '?limit=' + GALLERY_PAGE + (state.galleryBefore ? '&before=' + encodeURIComponent(state.galleryBefore) : '');
    const page = await (await api('/api/images' + query)).json();
    page.images.forEach((image) => $('gallery-grid').append(galleryItem(image)));
    state.galleryBefore = page.next_before;
    $('gallery-more').hidden = !page.next_before;
    const shown = $('gallery-grid').children.length;
    $('gallery-status').textContent = shown === 0 ? 'No images yet.' : shown + ' image' + (shown === 1 ? '' : 's') + ' shown, newest first.';
  } catch (e) {
    if (e.status !== 401) $('gallery-status').textContent = e.message;
  }
}

function galleryItem(image) {
  const description = image.prompt || 'Image ' + image.filename;
  const img = el('img', { alt: description, loading: 'lazy', 'data-filename': image.filename });
  const editButton = el('button', { type: 'button', class: 'secondary edit-this', text: 'Edit' });
  editButton.disabled = true;
  // <img src> cannot send the key: fetch the file with it and show it from a blob URL
  api(image.url).then((r) => r.blob()).then((blob) => {
    const url = URL.createObjectURL(blob);
    state.objectUrls.push(url);
    img.src = url;
    editButton.disabled = false;
    editButton.addEventListener('click', () => {
      selectTab('edit', true);
      useForEdit(blob).catch(() => { $('edit-error').textContent = 'This image cannot be shown for editing.'; });
    });
  }).catch(() => { img.alt = description + ' (could not be loaded)'; });
  const when = new Date(image.created).toLocaleString();
  return el('li', {}, el('figure', {}, img, el('figcaption', {},
    el('span', { class: 'filename', text: image.filename }),
    el('span', { class: 'muted', text: ' ' + formatBytes(image.bytes) + ' · ' + when }),
    image.prompt ? el('p', { class: 'prompt', text: image.prompt }) : null), editButton));
}

// --- batches --------------------------------------------------------------------------------------------------------

async function loadBatches() {
  $('batches-status').textContent = 'Loading…';
  try {
    const view = await (await api('/api/batches')).json();
    const list = $('batches-list');
    list.replaceChildren();
    if (!view.enabled) {
      $('batches-status').textContent = 'The inbox is off (INBOX_DIR is empty).';
      return;
    }
    view.active.forEach((b) => list.append(el('div', { class: 'batch' },
      el('h3', { text: b.file }),
      el('p', { class: 'muted', text: 'In progress: ' + b.finished + ' of ' + b.total + ' prompts' + (b.failed ? ', ' + b.failed + ' failed' : '') }),
      el('progress', { max: String(b.total), value: String(b.finished), 'aria-label': b.file + ' progress' }))));
    view.waiting.forEach((w) => list.append(el('div', { class: 'batch' },
      el('h3', { text: w.file }), el('p', { class: 'muted', text: 'Waiting to be read (' + formatBytes(w.bytes) + ')' }))));
    view.done.forEach((d) => list.append(doneBatch(d)));
    view.rejected.forEach((r) => list.append(el('div', { class: 'batch' },
      el('h3', { text: r.file }), el('p', { class: 'status-failed', text: 'Refused: ' + r.reason }))));
    const count = view.active.length + view.waiting.length + view.done.length + view.rejected.length;
    $('batches-status').textContent = count === 0
      ? 'No batches yet. Drop a .txt (one prompt per line) or .jsonl file into the inbox folder.'
      : view.active.length + ' in progress, ' + view.waiting.length + ' waiting, ' + view.done.length + ' finished, ' + view.rejected.length + ' refused.';
  } catch (e) {
    if (e.status !== 401) $('batches-status').textContent = e.message;
  }
}

function doneBatch(done) {
  const totals = done.report.totals;
  const rows = done.report.lines.map((line) => el('tr', {},
    el('td', { text: String(line.line) }),
    el('td', { text: line.prompt || '' }),
    el('td', { class: line.status === 'OK' ? 'status-ok' : 'status-failed', text: line.status === 'OK' ? line.filename : line.status + ': ' + line.error })));
  const table = el('table', {}, el('thead', {}, el('tr', {}, el('th', { text: 'Line' }), el('th', { text: 'Prompt' }), el('th', { text: 'Result' }))),
    el('tbody', {}, ...rows));
  return el('div', { class: 'batch' },
    el('h3', { text: done.file }),
    el('p', { class: totals.failed ? 'status-failed' : 'status-ok',
      text: 'Finished: ' + totals.succeeded + ' of ' + totals.lines + ' succeeded' + (totals.failed ? ', ' + totals.failed + ' failed' : '') + ' in ' + (totals.duration_ms / 1000).toFixed(1) + ' s' }),
    el('details', {}, el('summary', { text: 'Report' }), table,
      done.report.lines_total > done.report.lines.length
        ? el('p', { class: 'muted', text: 'First ' + done.report.lines.length + ' of ' + done.report.lines_total
          + ' lines; the whole report is inbox/.done/' + done.file + '.report.json' })
        : el('span')));
}

// --- usage ----------------------------------------------------------------------------------------------------------

const SVG = 'http://www.w3.org/2000/svg';

function usd(amount) {
  const n = Number(amount);
  return '$' + (n !== 0 && Math.abs(n) < 0.01 ? n.toFixed(4) : n.toFixed(2));
}

function svg(tag, attributes, text) {
  const node = document.createElementNS(SVG, tag);
  Object.entries(attributes).forEach(([name, value]) => node.setAttribute(name, String(value)));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Spend per day as bars, drawn in the page (no library, no network); days without spend are gaps. */
function drawSpendChart(groups, from, to) {
  const chart = $('usage-chart');
  chart.replaceChildren();
  const days = [];
  for (let d = new Date(from); d < new Date(to); d.setUTCDate(d.getUTCDate() + 1)) days.push(d.toISOString().slice(0, 10));
  const spent = Object.fromEntries(groups.map((g) => [g.group, Number(g.cost_usd)]));
  const max = Math.max(0.01, ...days.map((d) => spent[d] || 0));
  const width = 600, height = 220, left = 48, bottom = 24, top = 8;
  const barWidth = (width - left) / Math.max(1, days.length);
  chart.append(svg('line', { x1: left, y1: height - bottom, x2: width, y2: height - bottom, class: 'axis' }));
  [0, 0.5, 1].forEach((f) => chart.append(svg('text', { x: left - 4, y: height - bottom - f * (height - bottom - top) + 4, class: 'tick', 'text-anchor': 'end' }, usd(max * f))));
  days.forEach((day, i) => {
    const value = spent[day] || 0;
    const h = value / max * (height - bottom - top);
    if (value > 0) {
      const bar = svg('rect', { x: left + i * barWidth + 1, y: height - bottom - h, width: Math.max(1, barWidth - 2), height: h, class: 'bar', 'data-day': day });
      bar.append(svg('title', {}, day + ': ' + usd(value)));
      chart.append(bar);
    }
    // a date under every seventh day, and the last one unless it would overlap the one before
    if (i % 7 === 0 || (i === days.length - 1 && i % 7 >= 3)) chart.append(svg('text', { x: left + i * barWidth + barWidth / 2, y: height - 6, class: 'tick', 'text-anchor': 'middle' }, day.slice(5)));
  });
}

async function loadUsage() {
  $('usage-status').textContent = 'Loading…';
  try {
    const [byDay, byModel] = await Promise.all([
      api('/api/usage?group_by=day').then((r) => r.json()),
      api('/api/usage?group_by=model').then((r) => r.json())]);
    drawSpendChart(byDay.groups, byDay.from, byDay.to);
    $('usage-models').querySelector('tbody').replaceChildren(...byModel.groups.map((g) => el('tr', {},
      el('td', { text: g.group }), el('td', { text: String(g.requests) }), el('td', { text: String(g.images) }),
      el('td', { class: 'spent', text: usd(g.cost_usd) }))));
    $('usage-budgets').replaceChildren(...byDay.budgets.map((b) => el('p', { class: 'budget' },
      el('strong', { text: b.key }), ' ' + usd(b.used_usd) + ' of ' + usd(b.limit_usd) + ' per ' + b.period + ' used; ',
      el('meter', { min: '0', max: String(b.limit_usd), value: String(b.used_usd), 'aria-label': b.key + ' ' + b.period + ' budget' }),
      ' resets ' + new Date(b.resets_at).toLocaleString())));
    $('usage-status').textContent = (byDay.key ? 'Key ' + byDay.key + ': ' : 'All keys: ') + usd(byDay.total.cost_usd) + ' spent on '
      + byDay.total.images + ' images in ' + byDay.total.requests + ' requests.';
  } catch (e) {
    if (e.status !== 401) $('usage-status').textContent = e.message;
  }
}

// --- tabs -----------------------------------------------------------------------------------------------------------

const TABS = ['generate', 'edit', 'gallery', 'batches', 'usage'];

function selectTab(name, focus) {
  TABS.forEach((tab) => {
    const selected = tab === name;
    const button = $('tab-' + tab);
    button.setAttribute('aria-selected', String(selected));
    button.tabIndex = selected ? 0 : -1;
    $('panel-' + tab).hidden = !selected;
    if (selected && focus) button.focus();
  });
  if (name === 'gallery') loadGallery(true);
  if (name === 'batches') loadBatches();
  if (name === 'usage') loadUsage();
}

function onTabKey(event) {
  const visible = TABS.filter((tab) => !$('tab-' + tab).hidden);
  const index = visible.indexOf(event.target.id.replace('tab-', ''));
  const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: visible.length - 1 }[event.key];
  if (next === undefined) return;
  event.preventDefault();
  selectTab(visible[(next + visible.length) % visible.length], true);
}

document.addEventListener('DOMContentLoaded', () => {
  $('key-form').addEventListener('submit', (event) => {
    event.preventDefault();
    $('key-error').textContent = '';
    useKey($('key-input').value.trim()).catch((e) => {
      if (e.status !== 401) forgetKey(e.message);
    });
  });
  $('change-key').addEventListener('click', () => forgetKey(''));
  $('generate-form').addEventListener('submit', generate);
  $('edit-form').addEventListener('submit', submitEdit);
  $('edit-file').addEventListener('change', (event) => {
    const file = event.target.files[0];
    if (file) useForEdit(file).catch(() => { $('edit-error').textContent = 'This file cannot be shown: choose a PNG, JPEG or WebP image.'; });
  });
  $('edit-clear-mask').addEventListener('click', clearMask);
  const canvas = $('edit-canvas');
  let painting = false;
  canvas.addEventListener('pointerdown', (event) => { painting = true; canvas.setPointerCapture(event.pointerId); paintAt(event); });
  canvas.addEventListener('pointermove', (event) => { if (painting) paintAt(event); });
  canvas.addEventListener('pointerup', () => { painting = false; });
  canvas.addEventListener('pointercancel', () => { painting = false; });
  $('prompt').addEventListener('keydown', (event) => {
    // Ctrl+Enter (or Cmd+Enter) generates from the prompt box
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) $('generate-form').requestSubmit();
  });
  TABS.forEach((tab) => {
    $('tab-' + tab).addEventListener('click', () => selectTab(tab, false));
    $('tab-' + tab).addEventListener('keydown', onTabKey);
  });
  $('gallery-refresh').addEventListener('click', () => loadGallery(true));
  $('gallery-more').addEventListener('click', () => loadGallery(false));
  $('batches-refresh').addEventListener('click', loadBatches);
  $('usage-refresh').addEventListener('click', loadUsage);
  if (state.key) {
    useKey(state.key).catch((e) => { if (e.status !== 401) forgetKey(e.message); });
  } else {
    forgetKey('');
  }
});
