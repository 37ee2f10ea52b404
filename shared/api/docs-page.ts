/**
 * A readable HTML reference rendered from the OpenAPI document itself (no hand-written docs, no
 * third-party script: it works offline and under a strict content security policy).
 */

type Json = Record<string, unknown>;

function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

function object(value: unknown): Json {
  return typeof value === 'object' && value !== null ? (value as Json) : {};
}

/** `Invoice`, `string`, `"A" | "B"`, `Invoice[]`, `string | null` for a JSON schema. */
function typeOf(schema: unknown): string {
  const s = object(schema);
  if (typeof s.$ref === 'string') {
    const name = s.$ref.split('/').pop() ?? '';
    return `<a href="#schema-${escapeHtml(name)}">${escapeHtml(name)}</a>`;
  }
  if (Array.isArray(s.enum))
    return s.enum.map((v) => `<code>${escapeHtml(JSON.stringify(v))}</code>`).join(' | ');
  if ('const' in s) return `<code>${escapeHtml(JSON.stringify(s.const))}</code>`;
  for (const key of ['anyOf', 'oneOf']) {
    if (Array.isArray(s[key])) return (s[key] as unknown[]).map(typeOf).join(' | ');
  }
  if (Array.isArray(s.type)) return s.type.map(escapeHtml).join(' | ');
  if (s.type === 'array') return `${typeOf(s.items)}[]`;
  return escapeHtml(s.type ?? 'any');
}

function rows(cells: string[][]): string {
  return cells.map((row) => `<tr>${row.map((cell) => `<td>${cell}</td>`).join('')}</tr>`).join('');
}

function table(head: string[], body: string[][]): string {
  if (body.length === 0) return '';
  return `<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows(body)}</tbody></table>`;
}

function operationHtml(method: string, path: string, op: Json): string {
  const parameters = (Array.isArray(op.parameters) ? op.parameters : []).map((p) => {
    const parameter = object(p);
    return [
      `<code>${escapeHtml(parameter.name)}</code>`,
      escapeHtml(parameter.in),
      parameter.required ? 'yes' : '',
      typeOf(parameter.schema),
      escapeHtml(parameter.description ?? object(parameter.schema).description ?? ''),
    ];
  });
  const responses = Object.entries(object(op.responses)).map(([status, r]) => {
    const response = object(r);
    const content = Object.entries(object(response.content))
      .map(([type, media]) => `${escapeHtml(type)}: ${typeOf(object(media).schema)}`)
      .join('<br>');
    return [`<code>${escapeHtml(status)}</code>`, escapeHtml(response.description), content];
  });
  const secured = Array.isArray(op.security) && op.security.length > 0;
  return `<section class="op" id="${escapeHtml(op.operationId)}">
<h3><span class="method ${escapeHtml(method)}">${escapeHtml(method.toUpperCase())}</span> <code>${escapeHtml(path)}</code></h3>
<p>${escapeHtml(op.summary)}${secured ? ' <span class="auth">API key</span>' : ''}</p>
${op.description ? `<p class="description">${escapeHtml(op.description)}</p>` : ''}
${table(['parameter', 'in', 'required', 'type', 'description'], parameters)}
${table(['status', 'meaning', 'body'], responses)}
</section>`;
}

function schemaHtml(name: string, schema: Json): string {
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  const properties = Object.entries(object(schema.properties)).map(([property, s]) => [
    `<code>${escapeHtml(property)}</code>`,
    typeOf(s),
    required.has(property) ? 'yes' : '',
    escapeHtml(object(s).description ?? ''),
  ]);
  return `<section id="schema-${escapeHtml(name)}"><h3>${escapeHtml(name)}</h3>
${schema.description ? `<p>${escapeHtml(schema.description)}</p>` : ''}
${properties.length > 0 ? table(['field', 'type', 'required', 'description'], properties) : `<p>${typeOf(schema)}</p>`}
</section>`;
}

export function renderDocsPage(document: Json): string {
  const info = object(document.info);
  const operations = Object.entries(object(document.paths)).flatMap(([path, item]) =>
    Object.entries(object(item)).map(([method, op]) => operationHtml(method, path, object(op))),
  );
  const schemas = Object.entries(object(object(document.components).schemas)).map(([name, schema]) =>
    schemaHtml(name, object(schema)),
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(info.title)} API reference</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem;color:#1c1c1c}
code{font:13px ui-monospace,monospace;background:#f3f3f3;padding:0 .25em;border-radius:3px}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}td,th{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
.op{border-top:2px solid #eee;padding-top:.5rem}.method{font:bold 13px monospace;padding:.1em .4em;border-radius:3px;color:#fff;background:#2f6f4f}
.method.post{background:#2f4f8f}.method.put,.method.patch{background:#8f6f2f}.method.delete{background:#8f2f2f}
.auth{font-size:12px;background:#fff3cd;padding:0 .4em;border-radius:3px}.description{color:#444}
</style></head><body>
<h1>${escapeHtml(info.title)} <small>${escapeHtml(info.version)}</small></h1>
<p>${escapeHtml(info.description)}</p>
<p>Send API keys as <code>Authorization: Bearer &lt;key&gt;</code>. The machine-readable document is at <a href="openapi.json">/openapi.json</a>.</p>
<h2>Operations</h2>
${operations.join('\n')}
<h2>Schemas</h2>
${schemas.join('\n')}
</body></html>`;
}
