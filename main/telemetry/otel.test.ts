import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { trace } from '@opentelemetry/api'
import { describe, expect, it } from 'vitest'
import { startTelemetry } from './otel'
import { processKindOf } from './processKind'
import { telemetrySettings } from './settings'

describe('telemetrySettings (the OTEL_* environment)', () => {
  it('is off without an endpoint, and when OTEL_SDK_DISABLED is true', () => {
    expect(telemetrySettings({})).toEqual({ kind: 'off' })
    expect(telemetrySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:4318', OTEL_SDK_DISABLED: 'true' })).toEqual({ kind: 'off' })
  })

  it('appends /v1/traces to the base endpoint, takes the traces endpoint as is, and honours OTEL_SERVICE_NAME', () => {
    expect(telemetrySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:4318/' })).toEqual({ kind: 'on', url: 'http://localhost:4318/v1/traces', serviceName: 'p2engine' })
    expect(telemetrySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://b/custom/traces', OTEL_SERVICE_NAME: 'lab' })).toEqual({ kind: 'on', url: 'https://b/custom/traces', serviceName: 'lab' })
  })

  it('names the variable, the value and what was expected when the endpoint is not an http(s) URL', () => {
    expect(telemetrySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' })).toEqual({ kind: 'invalid', message: 'OTEL_EXPORTER_OTLP_ENDPOINT="not a url" is not a URL; expected an OTLP/HTTP endpoint such as http://localhost:4318 — traces are not exported' })
    expect(telemetrySettings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'grpc://localhost:4317' })).toEqual({ kind: 'invalid', message: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="grpc://localhost:4317" uses grpc; expected an http:// or https:// OTLP/HTTP endpoint (port 4318, not the gRPC port 4317) — traces are not exported' })
  })
})

describe('startTelemetry', () => {
  it('registers nothing when tracing is off or the endpoint is bad (warned once); the engine keeps the no-op tracer', async () => {
    const warnings: string[] = []
    expect(await startTelemetry('cli', {}, (m) => warnings.push(m))).toBeNull()
    expect(await startTelemetry('cli', { OTEL_EXPORTER_OTLP_ENDPOINT: 'localhost:4318' }, (m) => warnings.push(m))).toBeNull()
    expect(await startTelemetry('cli', { OTEL_EXPORTER_OTLP_ENDPOINT: 'localhost:4318' }, (m) => warnings.push(m))).toBeNull()
    expect(warnings).toEqual(['OTEL_EXPORTER_OTLP_ENDPOINT="localhost:4318" uses localhost; expected an http:// or https:// OTLP/HTTP endpoint (port 4318, not the gRPC port 4317) — traces are not exported'])
    expect(trace.getTracer('p2engine').startSpan('x').isRecording()).toBe(false)
  })

  it('reports a collector that refuses the spans once, on flush, instead of failing silently', async () => {
    const server = createServer((req, res) => req.resume().on('end', () => res.writeHead(400).end('bad request')))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      const warnings: string[] = []
      const t = await startTelemetry('cli', { OTEL_EXPORTER_OTLP_ENDPOINT: url }, (m) => warnings.push(m))
      expect(trace.getTracer('p2engine').startSpan('x').isRecording()).toBe(true)
      trace.getTracer('p2engine').startSpan('y').end()
      await t!.flush()
      trace.getTracer('p2engine').startSpan('z').end()
      await t!.shutdown()
      expect(warnings).toEqual([expect.stringMatching(new RegExp(`^traces could not be exported to ${url}/v1/traces: .+ \\(is the collector running\\?\\)$`))])
      // Shut down: the global tracer is the no-op one again.
      expect(trace.getTracer('p2engine').startSpan('after').isRecording()).toBe(false)
    } finally {
      server.close()
    }
  })
})

describe('processKindOf', () => {
  it('is ui-host for `p2engine ui` (after global options with values), cli otherwise', () => {
    expect(processKindOf(['--home', 'ui', 'ui', '--port', '0'])).toBe('ui-host')
    expect(processKindOf(['-c', 'cfg', 'chat', 'with', 'x'])).toBe('cli')
    expect(processKindOf(['--replay', 'rollout', 'start', 'ui'])).toBe('cli')
    expect(processKindOf([])).toBe('cli')
  })
})
