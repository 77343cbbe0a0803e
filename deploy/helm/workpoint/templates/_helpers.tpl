{{/* Names, labels, and the parts every Workpoint pod shares. */}}

{{- define "workpoint.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "workpoint.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else if contains (include "workpoint.name" .) .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name (include "workpoint.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{/* "<fullname>-<component>"; the gateway's also names its pods and so its response topics. */}}
{{- define "workpoint.componentName" -}}
{{- printf "%s-%s" (include "workpoint.fullname" .root) .name | trunc 52 | trimSuffix "-" }}
{{- end }}

{{- define "workpoint.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "workpoint.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: workpoint
{{- end }}

{{/* dict root, name: the labels of one app's objects. */}}
{{- define "workpoint.componentLabels" -}}
{{ include "workpoint.labels" .root }}
app.kubernetes.io/component: {{ .name }}
{{- end }}

{{- define "workpoint.selectorLabels" -}}
app.kubernetes.io/name: {{ include "workpoint.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
{{- end }}

{{- define "workpoint.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "workpoint.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "workpoint.keysSecretName" -}}
{{- default (printf "%s-keys" (include "workpoint.fullname" .)) .Values.secrets.existingSecret }}
{{- end }}

{{- define "workpoint.databaseSecretName" -}}
{{- default (printf "%s-database" (include "workpoint.fullname" .)) .Values.postgresql.existingSecret }}
{{- end }}

{{- define "workpoint.gatewayTlsSecretName" -}}
{{- default (printf "%s-gateway-tls" (include "workpoint.fullname" .)) .Values.gateway.tls.existingSecret }}
{{- end }}

{{/* dict root, component: registry/repository:tag */}}
{{- define "workpoint.image" -}}
{{- $v := .root.Values.image }}
{{- $repo := .component.image.repository }}
{{- if $v.registry }}{{ $repo = printf "%s/%s" (trimSuffix "/" $v.registry) $repo }}{{ end }}
{{- printf "%s:%s" $repo (.component.image.tag | default $v.tag | default .root.Chart.AppVersion) }}
{{- end }}

{{/*
A value as text for an env variable or a manifest field. Helm reads numbers in values files as
float64, which prints 1000000 as "1e+06" and 10000 as "1e+04": whole numbers print as integers.
*/}}
{{- define "workpoint.str" -}}
{{- if and (kindIs "float64" .) (eq . (floor .)) }}{{ int64 . }}{{ else }}{{ . }}{{ end }}
{{- end }}

{{/* Where secret files are mounted; every *_FILE variable points here. */}}
{{- define "workpoint.secretsDir" -}}/run/secrets/workpoint{{- end }}

{{/* dict root, component: the app's SASL settings (its kafkaSasl over kafka.sasl). */}}
{{- define "workpoint.sasl" -}}
{{- toYaml (mergeOverwrite (deepCopy .root.Values.kafka.sasl) (deepCopy (.component.kafkaSasl | default dict))) }}
{{- end }}

{{/*
dict root, name, component: which secret files the app needs. Returns YAML of
{database, configKey, adminKey, session, gatewayTls} booleans.
*/}}
{{- define "workpoint.needs" -}}
{{- $svc := has .name (list "inventory" "configuration" "deployment") }}
database: {{ $svc }}
configKey: {{ has .name (list "configuration" "deployment") }}
adminKey: {{ and (eq .name "configuration") .root.Values.secrets.apiAdminKey }}
session: {{ eq .name "gateway" }}
gatewayTls: {{ eq .name "gateway" }}
{{- end }}

{{/*
dict root, name, component, extra (name → EnvVar body): the container's env, sorted by name.
The chart's variables first, then `env`, then `<app>.env` (each overrides the one before).
*/}}
{{- define "workpoint.env" -}}
{{- $root := .root }}
{{- $v := $root.Values }}
{{- $dir := include "workpoint.secretsDir" $root }}
{{- $needs := include "workpoint.needs" . | fromYaml }}
{{- $sasl := include "workpoint.sasl" . | fromYaml }}
{{- $env := dict "LOG_LEVEL" (dict "value" $v.logLevel) }}
{{- if not $v.kafka.brokers }}{{ fail "kafka.brokers is required (host:port of the external Kafka)" }}{{ end }}
{{- $_ := set $env "KAFKA_BROKERS" (dict "value" (join "," $v.kafka.brokers)) }}
{{- $_ := set $env "KAFKA_CLIENT_ID" (dict "value" $v.kafka.clientId) }}
{{- $_ := set $env "KAFKA_CREATE_TOPICS" (dict "value" (include "workpoint.str" $v.kafka.createTopics)) }}
{{- $_ := set $env "KAFKA_TOPIC_PARTITIONS" (dict "value" (include "workpoint.str" $v.kafka.topicPartitions)) }}
{{- $_ := set $env "KAFKA_REPLICATION_FACTOR" (dict "value" (include "workpoint.str" $v.kafka.replicationFactor)) }}
{{- if $v.kafka.tls.enabled }}
{{- $_ := set $env "KAFKA_SSL" (dict "value" "true") }}
{{- if and $v.kafka.tls.existingSecret $v.kafka.tls.caKey }}
{{- $_ := set $env "KAFKA_SSL_CA_FILE" (dict "value" (printf "%s/kafka-ca.crt" $dir)) }}
{{- end }}
{{- if $v.kafka.tls.clientCertificate }}
{{- $_ := set $env "KAFKA_SSL_CERT_FILE" (dict "value" (printf "%s/kafka-client.crt" $dir)) }}
{{- $_ := set $env "KAFKA_SSL_KEY_FILE" (dict "value" (printf "%s/kafka-client.key" $dir)) }}
{{- end }}
{{- end }}
{{- if $sasl.mechanism }}
{{- $_ := set $env "KAFKA_SASL_MECHANISM" (dict "value" $sasl.mechanism) }}
{{- if eq $sasl.mechanism "oauthbearer" }}
{{- $_ := set $env "KAFKA_OAUTH_TOKEN_URL" (dict "value" $sasl.oauth.tokenUrl) }}
{{- $_ := set $env "KAFKA_OAUTH_CLIENT_ID" (dict "value" $sasl.oauth.clientId) }}
{{- $_ := set $env "KAFKA_OAUTH_CLIENT_SECRET_FILE" (dict "value" (printf "%s/kafka-oauth-client-secret" $dir)) }}
{{- else }}
{{- $_ := set $env "KAFKA_SASL_USERNAME" (dict "value" $sasl.username) }}
{{- $_ := set $env "KAFKA_SASL_PASSWORD_FILE" (dict "value" (printf "%s/kafka-sasl-password" $dir)) }}
{{- end }}
{{- end }}
{{- if $needs.database }}
{{- $_ := set $env "DATABASE_URL_FILE" (dict "value" (printf "%s/database-url" $dir)) }}
{{- $_ := set $env "DATABASE_POOL_SIZE" (dict "value" (include "workpoint.str" $v.postgresql.poolSize)) }}
{{- end }}
{{- if $needs.configKey }}
{{- $_ := set $env "CONFIG_SECRET_KEY_FILE" (dict "value" (printf "%s/config-secret-key" $dir)) }}
{{- end }}
{{- if $needs.adminKey }}
{{- $_ := set $env "API_ADMIN_KEY_FILE" (dict "value" (printf "%s/api-admin-key" $dir)) }}
{{- end }}
{{- if $needs.session }}
{{- $_ := set $env "SESSION_SECRET_FILE" (dict "value" (printf "%s/session-secret" $dir)) }}
{{- end }}
{{- if $needs.gatewayTls }}
{{- $_ := set $env "TLS_CERT_FILE" (dict "value" (printf "%s/tls.crt" $dir)) }}
{{- $_ := set $env "TLS_KEY_FILE" (dict "value" (printf "%s/tls.key" $dir)) }}
{{- end }}
{{- range $k, $body := .extra }}{{ $_ := set $env $k $body }}{{ end }}
{{- range $k, $val := $v.env }}{{ $_ := set $env $k (dict "value" (include "workpoint.str" $val)) }}{{ end }}
{{- range $k, $val := .component.env }}{{ $_ := set $env $k (dict "value" (include "workpoint.str" $val)) }}{{ end }}
{{- range $k := keys $env | sortAlpha }}
- name: {{ $k }}
  {{- toYaml (get $env $k) | nindent 2 }}
{{- end }}
{{- end }}

{{/*
dict root, name, component: one read-only projected volume with exactly the secret files this
app reads, mode 0440 (root:fsGroup). Kubernetes cannot make them owned by the app user, so the
apps warn that a key file is group-readable on a read-only mount; that is expected here.
*/}}
{{- define "workpoint.secretsVolume" -}}
{{- $root := .root }}
{{- $v := $root.Values }}
{{- $needs := include "workpoint.needs" . | fromYaml }}
{{- $sasl := include "workpoint.sasl" . | fromYaml }}
- name: secrets
  projected:
    defaultMode: 288  # 0440
    sources:
      {{- if or $needs.configKey $needs.adminKey $needs.session }}
      - secret:
          name: {{ include "workpoint.keysSecretName" $root }}
          items:
            {{- if $needs.configKey }}
            - { key: {{ $v.secrets.configSecretKeyKey | quote }}, path: config-secret-key }
            {{- end }}
            {{- if $needs.adminKey }}
            - { key: {{ $v.secrets.apiAdminKeyKey | quote }}, path: api-admin-key }
            {{- end }}
            {{- if $needs.session }}
            - { key: {{ $v.secrets.sessionSecretKey | quote }}, path: session-secret }
            {{- end }}
      {{- end }}
      {{- if $needs.database }}
      - secret:
          name: {{ include "workpoint.databaseSecretName" $root }}
          items:
            - { key: {{ $v.postgresql.urlKey | quote }}, path: database-url }
      {{- with $v.postgresql.tls.caSecret }}
      - secret:
          name: {{ . }}
          items:
            - { key: {{ $v.postgresql.tls.caKey | quote }}, path: postgresql-ca.crt }
      {{- end }}
      {{- end }}
      {{- if $needs.gatewayTls }}
      - secret:
          name: {{ include "workpoint.gatewayTlsSecretName" $root }}
          items:
            - { key: tls.crt, path: tls.crt }
            - { key: tls.key, path: tls.key }
      {{- end }}
      {{- if and $v.kafka.tls.enabled $v.kafka.tls.existingSecret }}
      - secret:
          name: {{ $v.kafka.tls.existingSecret }}
          items:
            {{- if $v.kafka.tls.caKey }}
            - { key: {{ $v.kafka.tls.caKey | quote }}, path: kafka-ca.crt }
            {{- end }}
            {{- if $v.kafka.tls.clientCertificate }}
            - { key: {{ $v.kafka.tls.certKey | quote }}, path: kafka-client.crt }
            - { key: {{ $v.kafka.tls.keyKey | quote }}, path: kafka-client.key }
            {{- end }}
      {{- end }}
      {{- if $sasl.mechanism }}
      - secret:
          name: {{ required (printf "kafka.sasl.existingSecret (or %s.kafkaSasl.existingSecret) is required with a SASL mechanism" .name) $sasl.existingSecret }}
          items:
            {{- if eq $sasl.mechanism "oauthbearer" }}
            - { key: {{ $sasl.oauth.clientSecretKey | quote }}, path: kafka-oauth-client-secret }
            {{- else }}
            - { key: {{ $sasl.passwordKey | quote }}, path: kafka-sasl-password }
            {{- end }}
      {{- end }}
- name: tmp
  emptyDir:
    sizeLimit: 64Mi
{{- end }}

{{- define "workpoint.volumeMounts" -}}
- name: secrets
  mountPath: {{ include "workpoint.secretsDir" . }}
  readOnly: true
- name: tmp
  mountPath: /tmp
{{- end }}

{{/*
dict port, probes: startup, liveness and readiness on /healthz and /readyz. Start-up allows
5 minutes (migrations under an advisory lock, boot retries while Kafka or PostgreSQL come up);
`probes.startup|liveness|readiness` override any field.
*/}}
{{- define "workpoint.probes" -}}
{{- $get := dict "port" .port "path" "/healthz" }}
{{- $defaults := dict
  "startup" (dict "httpGet" $get "periodSeconds" 5 "timeoutSeconds" 3 "failureThreshold" 60)
  "liveness" (dict "httpGet" $get "periodSeconds" 10 "timeoutSeconds" 3 "failureThreshold" 3)
  "readiness" (dict "httpGet" (dict "port" .port "path" "/readyz") "periodSeconds" 5 "timeoutSeconds" 3 "failureThreshold" 2) }}
{{- $p := mergeOverwrite $defaults (deepCopy (.probes | default dict)) }}
startupProbe:
  {{- toYaml $p.startup | nindent 2 }}
livenessProbe:
  {{- toYaml $p.liveness | nindent 2 }}
readinessProbe:
  {{- toYaml $p.readiness | nindent 2 }}
{{- end }}

{{/* dict root, name, component: pod-level fields shared by every app. */}}
{{- define "workpoint.podSpec" -}}
{{- $root := .root }}
{{- with $root.Values.image.pullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
serviceAccountName: {{ include "workpoint.serviceAccountName" $root }}
# Workpoint never talks to the Kubernetes API.
automountServiceAccountToken: false
enableServiceLinks: false
securityContext:
  {{- toYaml $root.Values.podSecurityContext | nindent 2 }}
terminationGracePeriodSeconds: {{ include "workpoint.str" .component.terminationGracePeriodSeconds }}
{{- with .component.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .component.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .component.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .component.topologySpreadConstraints }}
topologySpreadConstraints:
  {{- toYaml . | nindent 2 }}
{{- end }}
volumes:
  {{- include "workpoint.secretsVolume" . | trim | nindent 2 }}
{{- end }}

{{/* dict root, name, component: pod template metadata. */}}
{{- define "workpoint.podMetadata" -}}
labels:
  {{- include "workpoint.selectorLabels" . | nindent 2 }}
  {{- with .component.podLabels }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- with .component.podAnnotations }}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}
