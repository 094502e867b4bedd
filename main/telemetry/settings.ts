/** Which process exports the spans (resource attribute `p2engine.process.kind`). */
export type ProcessKind = 'cli' | 'ui-host' | 'desktop' | 'rollout-worker'

/** What the environment asks for: no tracing, tracing to an OTLP/HTTP URL, or a bad setting. */
export type TelemetrySettings =
  | { kind: 'off' }
  | { kind: 'on'; url: string; serviceName: string }
  | { kind: 'invalid'; message: string }

const TRUE = new Set(['true', '1', 'yes', 'on'])

/**
 * Reads the standard OpenTelemetry variables: `OTEL_SDK_DISABLED`, then
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (the full URL) or `OTEL_EXPORTER_OTLP_ENDPOINT` (a base;
 * `/v1/traces` is appended), and `OTEL_SERVICE_NAME` (default `p2engine`). Tracing is off when no
 * endpoint is set. Pure: no SDK is imported.
 */
export function telemetrySettings(env: NodeJS.ProcessEnv): TelemetrySettings {
  if (TRUE.has((env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase())) return { kind: 'off' }
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim()
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim()
  const key = traces ? 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' : 'OTEL_EXPORTER_OTLP_ENDPOINT'
  const raw = traces || base
  if (!raw) return { kind: 'off' }
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return { kind: 'invalid', message: `${key}="${raw}" is not a URL; expected an OTLP/HTTP endpoint such as http://localhost:4318 — traces are not exported` }
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { kind: 'invalid', message: `${key}="${raw}" uses ${url.protocol.slice(0, -1)}; expected an http:// or https:// OTLP/HTTP endpoint (port 4318, not the gRPC port 4317) — traces are not exported` }
  }
  const href = traces ? url.href : `${url.href.replace(/\/+$/, '')}/v1/traces`
  return { kind: 'on', url: href, serviceName: env.OTEL_SERVICE_NAME?.trim() || 'p2engine' }
}
