{{/*
Names and labels shared by every template. Object names follow Helm's convention ("<release>-parley", cut to 63
characters: the DNS label limit of Service names); labels follow the app.kubernetes.io recommendations.
*/}}

{{/*
parley.name: the chart name, or nameOverride. Used in app.kubernetes.io/part-of-style labels only, never in selectors.
*/}}
{{- define "parley.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
parley.fullname: the prefix of every object name. A release already named like the chart ("parley") is not
repeated ("parley", not "parley-parley").
*/}}
{{- define "parley.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
parley.chart: "name-version" for the helm.sh/chart label; "+" is not allowed in label values.
*/}}
{{- define "parley.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
parley.selectorLabels: the labels the operator pods are selected by. app.kubernetes.io/name is fixed to
"parley-operator" whatever nameOverride says, because every worker's NetworkPolicy admits the operator by exactly this
label (src/Parley.Operator/Resources/Labels.cs, OperatorAppName) so that it can read /v1/parley/info. Selector labels
are immutable on a Deployment: never add to them.
*/}}
{{- define "parley.selectorLabels" -}}
app.kubernetes.io/name: parley-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
parley.labels: selector labels plus who made the object; on every object of the chart.
*/}}
{{- define "parley.labels" -}}
{{ include "parley.selectorLabels" . }}
app.kubernetes.io/component: operator
app.kubernetes.io/part-of: {{ include "parley.name" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ include "parley.chart" . }}
{{- end }}

{{/*
parley.serviceAccountName: the ServiceAccount the operator runs as, created by the chart or named by the user.
*/}}
{{- define "parley.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "parley.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name must name an existing ServiceAccount when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
parley.image: the operator image reference; an empty tag means the chart's appVersion, so chart and image move together.
*/}}
{{- define "parley.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/*
parley.validate: combinations the schema cannot express. Two operators without leader election would both reconcile
and fight over every object, so that is refused at install time.
*/}}
{{- define "parley.validate" -}}
{{- if and (gt (int .Values.replicaCount) 1) (not .Values.operator.leaderElection) }}
{{- fail "replicaCount > 1 needs operator.leaderElection: true (only the Lease holder may reconcile)" }}
{{- end }}
{{- end }}
