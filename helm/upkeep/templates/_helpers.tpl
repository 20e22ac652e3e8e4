{{/* The chart's name, for the app.kubernetes.io/name label. */}}
{{- define "upkeep.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
The prefix of every object's name: fullnameOverride, else the release name when it already
contains the chart name ("upkeep"), else "<release>-upkeep".
*/}}
{{- define "upkeep.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The labels that select the controller's pods; never change them after an install. */}}
{{- define "upkeep.selectorLabels" -}}
app.kubernetes.io/name: {{ include "upkeep.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: controller
{{- end -}}

{{/* The labels on every object. */}}
{{- define "upkeep.labels" -}}
{{ include "upkeep.selectorLabels" . }}
app.kubernetes.io/part-of: upkeep
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* The ServiceAccount the controller runs as. */}}
{{- define "upkeep.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "upkeep.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The controller image: repository and tag, the tag defaulting to the appVersion. */}}
{{- define "upkeep.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
