// pog triage page. Every piece of chat text is put on the page with textContent: prompts are hostile
// input, and the server's Content-Security-Policy forbids inline script as a second line of defence.
'use strict';

const csrf = document.querySelector('meta[name="pog-csrf"]').getAttribute('content');
const tokenFromHash = new URLSearchParams(location.hash.slice(1)).get('token');
if (tokenFromHash) {
  sessionStorage.setItem('pog-token', tokenFromHash);
  history.replaceState(null, '', location.pathname + location.search);
}
const token = () => sessionStorage.getItem('pog-token') || '';

const $ = (id) => document.getElementById(id);
const reviewerInput = $('reviewer');
reviewerInput.value = localStorage.getItem('pog-reviewer') || '';
reviewerInput.addEventListener('change', () =>
  localStorage.setItem('pog-reviewer', reviewerInput.value.trim()),
);

/** An element with text (never HTML) and attributes. */
function el(tag, text, attrs) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  return node;
}

function say(text, kind) {
  const box = $('message');
  box.textContent = text;
  box.className = kind || '';
}

async function getJson(path) {
  const res = await fetch(path, { headers: { Accept: 'application/json' } });
  const body = await res.json();
  if (!res.ok) throw new Error(body.error ? body.error.message : res.statusText);
  return body;
}

let current = null; // the item shown, as the server last described it

async function loadQueue() {
  const { items } = await getJson(`/api/items?status=${encodeURIComponent($('status').value)}`);
  const body = $('items');
  body.replaceChildren();
  for (const item of items) {
    const row = el('tr', null, { 'data-id': item.id, tabindex: '0' });
    row.append(
      el('td', item.id),
      el('td', item.status + (item.claimedBy && item.status === 'in_review' ? ` (${item.claimedBy})` : '')),
      el('td', item.occurrences),
      el('td', item.distinctAuthors),
      el('td', item.template, { class: 'template-cell' }),
    );
    row.addEventListener('click', () => void showItem(item.id));
    row.addEventListener('keydown', (e) => e.key === 'Enter' && void showItem(item.id));
    body.append(row);
  }
  return items;
}

/** The template with its {{slots}} marked. */
function templateNodes(template) {
  const out = [];
  let last = 0;
  for (const m of template.matchAll(/\{\{([a-z][a-z0-9_]*)\}\}/g)) {
    if (m.index > last) out.push(document.createTextNode(template.slice(last, m.index)));
    out.push(el('mark', m[0], { class: 'slot', 'data-slot': m[1] }));
    last = m.index + m[0].length;
  }
  if (last < template.length) out.push(document.createTextNode(template.slice(last)));
  return out;
}

/** A member's text with the values its slots took marked (first non-overlapping occurrence of each). */
function memberNodes(text, slots) {
  const ranges = [];
  for (const [name, value] of Object.entries(slots || {}).sort((a, b) => b[1].length - a[1].length)) {
    if (!value) continue;
    let from = 0;
    for (;;) {
      const at = text.indexOf(value, from);
      if (at < 0) break;
      const end = at + value.length;
      if (ranges.every((r) => end <= r.start || at >= r.end)) {
        ranges.push({ start: at, end, name });
        break;
      }
      from = at + 1;
    }
  }
  ranges.sort((a, b) => a.start - b.start);
  const out = [];
  let last = 0;
  for (const r of ranges) {
    if (r.start > last) out.push(document.createTextNode(text.slice(last, r.start)));
    out.push(el('mark', text.slice(r.start, r.end), { class: 'value', title: r.name, 'data-slot': r.name }));
    last = r.end;
  }
  if (last < text.length) out.push(document.createTextNode(text.slice(last)));
  return out;
}

function button(id, label, onClick) {
  const b = el('button', label, { id, type: 'button' });
  b.addEventListener('click', () => void onClick());
  return b;
}

async function showItem(id) {
  const d = await getJson(`/api/items/${encodeURIComponent(id)}`);
  current = d.item;
  const i = d.item;
  const view = $('detail');
  view.hidden = false;
  view.replaceChildren();

  view.append(el('h2', i.title || i.id, { id: 'item-title' }));
  view.append(
    el(
      'p',
      `${i.id} · ${i.status} · revision ${i.revision}` +
        (i.claimedBy ? ` · claimed by ${i.claimedBy} until ${i.claimExpiresAt}` : '') +
        ` · ${i.occurrences} uses by ${i.distinctAuthors} authors · ${i.phase || 'unclassified'}`,
      { id: 'item-meta' },
    ),
  );
  const tpl = el('pre', null, { id: 'template', class: 'template' });
  tpl.append(...templateNodes(i.template));
  view.append(el('h3', 'Template'), tpl);

  if (d.canonical && d.canonical.variables.length > 0) {
    const vars = el('ul', null, { id: 'variables' });
    for (const v of d.canonical.variables) {
      const li = el('li');
      li.append(
        el('code', `{{${v.name}}}`),
        document.createTextNode(` ${v.required ? '' : '(optional) '}${v.description}`),
      );
      if (v.examples.length > 0)
        li.append(el('span', ` e.g. ${v.examples.join(' · ')}`, { class: 'examples' }));
      vars.append(li);
    }
    view.append(el('h3', 'Variables'), vars);
  }

  const members = el('ol', null, { id: 'members' });
  for (const m of d.members) {
    const li = el('li', null, { class: 'member' });
    li.append(...memberNodes(m.text, m.slots));
    members.append(li);
  }
  view.append(el('h3', `Members (${d.members.length} of ${i.size})`), members);

  const actions = el('div', null, { class: 'actions' });
  const note = el('input', null, { id: 'note', placeholder: 'Note (optional)', maxlength: '2000' });
  actions.append(
    note,
    button('claim', 'Claim', () => act('claim')),
    button('approve', 'Approve', () => act('approve')),
    button('reject', 'Reject', () => act('reject')),
    button('defer', 'Defer', () => act('defer')),
    button('add-note', 'Add note', () => act('note')),
  );
  view.append(el('h3', 'Decide'), actions);

  const edit = el('textarea', null, { id: 'template-edit', rows: '4' });
  edit.value = i.template;
  view.append(
    el('h3', 'Edit template'),
    edit,
    button('save-edit', 'Save template', () => act('edit', { template: edit.value })),
  );

  const into = el('select', null, { id: 'merge-into' });
  const { items } = await getJson('/api/items?status=open');
  for (const other of items)
    if (other.id !== i.id) into.append(el('option', `${other.id} — ${other.template}`, { value: other.id }));
  view.append(
    el('h3', 'Merge into'),
    into,
    button('merge', 'Merge', () => act('merge', { into: into.value })),
  );

  if (d.notes.length > 0) {
    const notes = el('ul', null, { id: 'notes' });
    for (const n of d.notes) notes.append(el('li', `${n.at} ${n.reviewer}: ${n.note}`));
    view.append(el('h3', 'Notes'), notes);
  }
  const history = el('ol', null, { id: 'history' });
  for (const a of d.audit)
    history.append(
      el('li', `${a.at} ${a.reviewer} ${a.action} ${a.outcome}${a.message ? `: ${a.message}` : ''}`),
    );
  view.append(el('h3', 'History'), history);
}

async function act(action, extra) {
  if (!current) return;
  const noteInput = $('note');
  const body = {
    action,
    reviewer: reviewerInput.value.trim(),
    revision: current.revision,
    ...(noteInput && noteInput.value.trim() ? { note: noteInput.value } : {}),
    ...(extra || {}),
  };
  const res = await fetch(`/api/items/${encodeURIComponent(current.id)}/actions`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Authorization: `Bearer ${token()}`,
      'X-CSRF-Token': csrf,
    },
    body: JSON.stringify(body),
  });
  const result = await res.json();
  if (!res.ok) {
    say(result.error ? result.error.message : res.statusText, res.status === 409 ? 'conflict' : 'error');
  } else {
    say(`${action}: done, ${result.item.id} is now ${result.item.status}.`, 'ok');
  }
  await loadQueue();
  await showItem(current.id);
}

$('status').addEventListener('change', () => void loadQueue());
loadQueue()
  .then((items) => (items.length > 0 ? showItem(items[0].id) : say('Nothing to review.')))
  .catch((err) => say(err.message, 'error'));
