#!/usr/bin/env node
// What the chart promises beyond the Kubernetes schema, checked on rendered manifests
// (`helm template` output, one file per value set). Exit 1 with every broken promise listed.
//
//  - numbers from values files reach env variables as written (Helm reads them as float64);
//  - secrets reach the apps only as files: no plain secret variable, every *_FILE variable
//    names a file the pod's secret volume really projects, and no env value carries key material;
//  - the gateway's GATEWAY_ID is its pod name (stable per StatefulSet ordinal);
//  - every app runs non-root on a read-only root file system without privilege escalation, with
//    startup, liveness (/healthz) and readiness (/readyz) probes on a port it declares;
//  - every Service, PodDisruptionBudget, HPA and ServiceMonitor points at something that exists;
//  - generated keys have the shape the apps accept, and their Secret survives `helm uninstall`.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { parseAllDocuments } = require('yaml');

const SECRET_VARIABLES = ['CONFIG_SECRET_KEY', 'API_ADMIN_KEY', 'SESSION_SECRET', 'DATABASE_URL', 'KAFKA_SASL_PASSWORD', 'KAFKA_OAUTH_CLIENT_SECRET'];
const KEY_MATERIAL = /wpk_|postgres(ql)?:\/\/|-----BEGIN/;

function checkFile(file) {
  const problems = [];
  const fail = (what) => problems.push(`${path.basename(file)}: ${what}`);
  const docs = parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS()).filter(Boolean);
  const of = (kind) => docs.filter((d) => d.kind === kind);
  const workloads = [...of('StatefulSet'), ...of('Deployment')];
  if (workloads.length !== 4) fail(`expected 4 workloads (gateway + 3 services), found ${workloads.length}`);
  const matches = (selector, labels) => Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);

  for (const w of workloads) {
    const name = `${w.kind}/${w.metadata.name}`;
    const pod = w.spec.template.spec;
    if (!matches(w.spec.selector.matchLabels, w.spec.template.metadata.labels)) fail(`${name}: selector does not match its pod labels`);
    if (pod.securityContext?.runAsNonRoot !== true) fail(`${name}: pod not runAsNonRoot`);
    if (pod.automountServiceAccountToken !== false) fail(`${name}: mounts a service account token`);
    const projected = new Map(
      (pod.volumes ?? []).filter((v) => v.projected).flatMap((v) => v.projected.sources.flatMap((s) => (s.secret?.items ?? []).map((i) => [v.name, i.path]))).map(([v, p]) => [`${v}/${p}`, true]),
    );
    for (const c of pod.containers) {
      const where = `${name} ${c.name}`;
      const sc = c.securityContext ?? {};
      if (sc.readOnlyRootFilesystem !== true || sc.allowPrivilegeEscalation !== false) fail(`${where}: root file system writable or privilege escalation allowed`);
      const ports = new Set((c.ports ?? []).map((p) => p.name));
      for (const [probe, wanted] of [['startupProbe', '/healthz'], ['livenessProbe', '/healthz'], ['readinessProbe', '/readyz']]) {
        const get = c[probe]?.httpGet;
        if (!get || get.path !== wanted || !ports.has(get.port)) fail(`${where}: ${probe} is not GET ${wanted} on a declared port`);
      }
      const env = new Map((c.env ?? []).map((e) => [e.name, e]));
      for (const v of SECRET_VARIABLES) if (env.has(v)) fail(`${where}: ${v} given in plain (use ${v}_FILE)`);
      for (const e of env.values()) {
        if (typeof e.value === 'string' && KEY_MATERIAL.test(e.value)) fail(`${where}: ${e.name} carries key material`);
        if (typeof e.value === 'string' && /^[0-9.]+e[+-][0-9]+$/.test(e.value)) fail(`${where}: ${e.name}=${e.value}, a number printed in exponent form`);
        if (!e.name.endsWith('_FILE')) continue;
        const mount = (c.volumeMounts ?? []).find((m) => e.value.startsWith(`${m.mountPath}/`));
        if (!mount || !projected.has(`${mount.name}/${e.value.slice(mount.mountPath.length + 1)}`)) fail(`${where}: ${e.name}=${e.value} is not a projected secret file`);
        else if (!mount.readOnly) fail(`${where}: secret mount ${mount.mountPath} is writable`);
      }
      if (w.kind === 'StatefulSet' && env.get('GATEWAY_ID')?.valueFrom?.fieldRef?.fieldPath !== 'metadata.name') fail(`${where}: GATEWAY_ID is not the pod name`);
    }
    if (w.kind === 'StatefulSet' && !of('Service').some((s) => s.metadata.name === w.spec.serviceName && s.spec.clusterIP === 'None')) {
      fail(`${name}: no headless Service ${w.spec.serviceName}`);
    }
  }

  const podsOf = (selector) => workloads.filter((w) => matches(selector, w.spec.template.metadata.labels));
  for (const s of of('Service')) {
    const pods = podsOf(s.spec.selector);
    if (pods.length !== 1) fail(`Service/${s.metadata.name}: selects ${pods.length} workloads`);
    for (const p of s.spec.ports) {
      const declared = pods.flatMap((w) => w.spec.template.spec.containers.flatMap((c) => (c.ports ?? []).map((cp) => cp.name)));
      if (!declared.includes(p.targetPort)) fail(`Service/${s.metadata.name}: targetPort ${p.targetPort} not declared by its pods`);
    }
  }
  for (const pdb of of('PodDisruptionBudget')) if (podsOf(pdb.spec.selector.matchLabels).length !== 1) fail(`PodDisruptionBudget/${pdb.metadata.name}: selects no single workload`);
  for (const hpa of of('HorizontalPodAutoscaler')) {
    const t = hpa.spec.scaleTargetRef;
    if (!workloads.some((w) => w.kind === t.kind && w.metadata.name === t.name)) fail(`HorizontalPodAutoscaler/${hpa.metadata.name}: no ${t.kind}/${t.name}`);
    if (workloads.some((w) => w.metadata.name === t.name && w.spec.replicas !== undefined)) fail(`${t.kind}/${t.name}: fixes replicas under an HPA`);
  }
  for (const sm of of('ServiceMonitor')) {
    const scraped = of('Service').filter((s) => matches(sm.spec.selector.matchLabels, s.metadata.labels));
    if (scraped.length !== 4 || !scraped.every((s) => s.spec.ports.some((p) => p.name === sm.spec.endpoints[0].port))) fail(`ServiceMonitor/${sm.metadata.name}: does not reach the 4 apps' health ports`);
  }

  const keys = of('Secret').find((s) => s.metadata.name.endsWith('-keys'));
  if (keys) {
    const text = (k) => Buffer.from(keys.data[k] ?? '', 'base64').toString('utf8');
    if (Buffer.from(text('config-secret-key'), 'base64').length !== 32) fail('generated CONFIG_SECRET_KEY is not 32 bytes in base64');
    if (text('session-secret').length < 32) fail('generated SESSION_SECRET is shorter than 32 characters');
    if (keys.data['api-admin-key'] !== undefined && !/^wpk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/.test(text('api-admin-key'))) fail('generated API_ADMIN_KEY has not the wpk_ shape');
    if (keys.metadata.annotations?.['helm.sh/resource-policy'] !== 'keep') fail('the generated keys are not kept on uninstall');
  }
  return problems;
}

const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write('usage: chart-promises.js <rendered.yaml>...\n');
  process.exit(2);
}
const problems = files.flatMap(checkFile);
for (const p of problems) process.stderr.write(`  ${p}\n`);
process.stdout.write(`chart promises: ${files.length} manifests, ${problems.length} broken\n`);
process.exit(problems.length === 0 ? 0 : 1);
