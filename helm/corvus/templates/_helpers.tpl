{{/* The name every object of the release starts with. */}}
{{- define "corvus.fullname" -}}
{{- if contains "corvus" .Release.Name -}}{{ .Release.Name | trunc 50 | trimSuffix "-" }}{{- else -}}{{ printf "%s-corvus" .Release.Name | trunc 50 | trimSuffix "-" }}{{- end -}}
{{- end -}}

{{/* app.kubernetes.io labels of a component: (dict "root" $ "component" "config-service") */}}
{{- define "corvus.labels" -}}
app.kubernetes.io/name: corvus
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/component: {{ .component }}
app.kubernetes.io/part-of: corvus
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{- define "corvus.selectorLabels" -}}
app.kubernetes.io/name: corvus
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "corvus.image" -}}
{{ printf "%s/%s:%s" .root.Values.image.registry .component (default .root.Chart.AppVersion .root.Values.image.tag) }}
{{- end -}}

{{/* The brokers: the trial StatefulSet's, or the configured ones. */}}
{{- define "corvus.kafkaBootstrap" -}}
{{- if .Values.kafka.trial.enabled -}}
{{ include "corvus.fullname" . }}-kafka:9092
{{- else -}}
{{ required "kafka.bootstrapServers is required (or kafka.trial.enabled=true for a trial broker)" .Values.kafka.bootstrapServers }}
{{- end -}}
{{- end -}}

{{/* Kafka client settings as the services and the agent read them: KAFKA_* variables, secrets from Secrets. */}}
{{- define "corvus.kafkaEnv" -}}
- name: KAFKA_BOOTSTRAP_SERVERS
  value: {{ include "corvus.kafkaBootstrap" . | quote }}
{{- if not .Values.kafka.trial.enabled }}
- name: KAFKA_SECURITY_PROTOCOL
  value: {{ .Values.kafka.securityProtocol | quote }}
{{- if hasPrefix "SASL_" .Values.kafka.securityProtocol }}
- name: KAFKA_SASL_MECHANISM
  value: {{ required "kafka.sasl.mechanism is required with a SASL protocol" .Values.kafka.sasl.mechanism | quote }}
- name: KAFKA_SASL_JAAS_CONFIG
  valueFrom:
    secretKeyRef:
      name: {{ required "kafka.sasl.existingSecret is required with a SASL protocol" .Values.kafka.sasl.existingSecret }}
      key: {{ .Values.kafka.sasl.jaasConfigKey }}
{{- end }}
{{- if .Values.kafka.tls.caSecret }}
- name: KAFKA_SSL_TRUSTSTORE_TYPE
  value: PEM
- name: KAFKA_SSL_TRUSTSTORE_LOCATION
  value: /etc/corvus/kafka-ca/{{ .Values.kafka.tls.caKey }}
{{- end }}
{{- end }}
{{- end -}}

{{- define "corvus.kafkaVolumeMounts" -}}
{{- if and (not .Values.kafka.trial.enabled) .Values.kafka.tls.caSecret }}
- name: kafka-ca
  mountPath: /etc/corvus/kafka-ca
  readOnly: true
{{- end }}
{{- end -}}

{{- define "corvus.kafkaVolumes" -}}
{{- if and (not .Values.kafka.trial.enabled) .Values.kafka.tls.caSecret }}
- name: kafka-ca
  secret:
    secretName: {{ .Values.kafka.tls.caSecret }}
{{- end }}
{{- end -}}

{{/* A service's container security: no root, no privilege, nothing to write but /tmp. */}}
{{- define "corvus.restrictedSecurity" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Liveness and readiness on Quarkus's health endpoints. */}}
{{- define "corvus.probes" -}}
startupProbe:
  httpGet: {path: /q/health/started, port: http}
  periodSeconds: 2
  failureThreshold: 90
livenessProbe:
  httpGet: {path: /q/health/live, port: http}
  periodSeconds: 10
  failureThreshold: 3
readinessProbe:
  httpGet: {path: /q/health/ready, port: http}
  periodSeconds: 5
  failureThreshold: 3
{{- end -}}
