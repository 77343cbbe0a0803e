#!/usr/bin/env node
// Turns the Kubernetes OpenAPI v3 documents (api/openapi-spec/v3 of the k8s.io/kubernetes module)
// and CRD files into strict, standalone JSON Schemas, one per kind, in the file layout kubeconform
// reads (`<kind>-<group>-<version>.json`, `<kind>-<version>.json` for the core group).
//
// Strict means what the API server's strict field validation means: every object with declared
// properties refuses any other (additionalProperties: false) unless the API says it keeps unknown
// fields (x-kubernetes-preserve-unknown-fields). `required` and types come from the documents
// unchanged (IntOrString and Quantity are already oneOf there). Descriptions are dropped.
//
// Hand-written because the converter everyone uses (openapi2jsonschema) is a Python script for the
// v2 document and is not a package we can install from a registry here; kubeconform itself only
// validates.
//
// Usage: openapi-to-json-schema.js <out-dir> --openapi <dir of *_openapi.json> [--crd <file.json>]...
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const DRAFT = 'https://json-schema.org/draft/2020-12/schema';
const REF_PREFIX = '#/components/schemas/';

function main(argv) {
  const [outDir, ...rest] = argv;
  const openapiDirs = [];
  const crdFiles = [];
  for (let i = 0; i < rest.length; i += 2) {
    if (rest[i] === '--openapi') openapiDirs.push(rest[i + 1]);
    else if (rest[i] === '--crd') crdFiles.push(rest[i + 1]);
    else throw new Error(`usage: openapi-to-json-schema.js <out-dir> --openapi <dir> [--crd <file.json>]... (got ${rest[i]})`);
  }
  if (!outDir || openapiDirs.length + crdFiles.length === 0) throw new Error('usage: openapi-to-json-schema.js <out-dir> --openapi <dir> [--crd <file.json>]...');
  fs.mkdirSync(outDir, { recursive: true });
  let count = 0;
  for (const dir of openapiDirs) {
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('_openapi.json')).sort()) {
      count += convertDocument(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')), outDir);
    }
  }
  for (const file of crdFiles) count += convertCrd(JSON.parse(fs.readFileSync(file, 'utf8')), outDir);
  if (count === 0) throw new Error('no kind found in the given documents');
  process.stdout.write(`${count} schemas written to ${outDir}\n`);
}

/** One schema per kind (x-kubernetes-group-version-kind) of one OpenAPI v3 document. */
function convertDocument(doc, outDir) {
  const all = doc.components?.schemas ?? {};
  let count = 0;
  for (const [name, schema] of Object.entries(all)) {
    for (const gvk of schema['x-kubernetes-group-version-kind'] ?? []) {
      const defs = {};
      for (const dep of closure(name, all)) if (dep !== name) defs[dep] = strict(all[dep]);
      const root = { $schema: DRAFT, ...strict(schema), $defs: defs };
      write(outDir, gvk, root);
      count++;
    }
  }
  return count;
}

/** Every component schema `name` refers to, directly or not (itself included). */
function closure(name, all) {
  const seen = new Set();
  const visit = (n) => {
    if (seen.has(n)) return;
    if (!all[n]) throw new Error(`dangling $ref to ${n}`);
    seen.add(n);
    refsIn(all[n], visit);
  };
  visit(name);
  return seen;
}

function refsIn(node, found) {
  if (Array.isArray(node)) node.forEach((n) => refsIn(n, found));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith(REF_PREFIX)) found(v.slice(REF_PREFIX.length));
      else refsIn(v, found);
    }
  }
}

/** A copy with refs into $defs, no descriptions, and closed objects. */
function strict(node) {
  if (Array.isArray(node)) return node.map(strict);
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'description' || k === 'x-kubernetes-group-version-kind') continue;
    if (k === '$ref' && typeof v === 'string' && v.startsWith(REF_PREFIX)) out.$ref = `#/$defs/${v.slice(REF_PREFIX.length)}`;
    // `properties` maps field names to schemas: convert the schemas, keep every name (even "description").
    else if (k === 'properties' && v && typeof v === 'object') out.properties = Object.fromEntries(Object.entries(v).map(([p, s]) => [p, strict(s)]));
    else out[k] = strict(v);
  }
  if (out['x-kubernetes-int-or-string'] === true) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (out.properties && out.additionalProperties === undefined && out['x-kubernetes-preserve-unknown-fields'] !== true) {
    out.additionalProperties = false;
  }
  return out;
}

/** CustomResourceDefinition (JSON) → one schema per served version. */
function convertCrd(crd, outDir) {
  if (crd.kind !== 'CustomResourceDefinition') throw new Error(`not a CustomResourceDefinition: ${crd.kind}`);
  let count = 0;
  for (const version of crd.spec.versions) {
    if (!version.served) continue;
    const schema = strict(version.schema.openAPIV3Schema);
    // The API server fills metadata's shape in for every custom resource; the CRD only says "object".
    schema.properties.metadata = { type: 'object' };
    write(outDir, { group: crd.spec.group, version: version.name, kind: crd.spec.names.kind }, { $schema: DRAFT, ...schema });
    count++;
  }
  return count;
}

/** kubeconform's name for a kind: <kind>[-<first part of group>]-<version>.json, lower case. */
function write(outDir, { group, version, kind }, schema) {
  const groupPart = group ? `-${group.split('.')[0]}` : '';
  const file = path.join(outDir, `${kind}${groupPart}-${version}.json`.toLowerCase());
  fs.writeFileSync(file, JSON.stringify(schema));
}

try {
  main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`openapi-to-json-schema: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
