import { useState } from 'react'
import { Button } from '../../../shared/ui'
import { rolloutsApi } from '../api'
import { useRolloutsStore } from '../store'

/** Downloads the rollout as CSV, JSON or JSONL (one row per variant, answers and judge comments included). */
export function ExportButtons({ id }: { id: string }) {
  const [exporting, setExporting] = useState<string | null>(null)
  const download = async (format: 'json' | 'jsonl' | 'csv') => {
    setExporting(format)
    try {
      const file = await rolloutsApi.export(id, format)
      const url = URL.createObjectURL(new Blob([file.text], { type: file.mime }))
      const a = document.createElement('a')
      a.href = url
      a.download = file.fileName
      a.click()
      setTimeout(() => URL.revokeObjectURL(url), 1000)
    } catch (err) {
      useRolloutsStore.setState({ error: { code: 'EXPORT', message: err instanceof Error ? err.message : String(err) } })
    } finally {
      setExporting(null)
    }
  }
  return (
    <div className="export-buttons" role="group" aria-label="Export">
      {(['csv', 'json', 'jsonl'] as const).map((fmt) => (
        <Button key={fmt} variant="secondary" busy={exporting === fmt} onClick={() => void download(fmt)} title={`One row per variant with the answer and the judge's comment, as ${fmt.toUpperCase()}`}>
          Export {fmt.toUpperCase()}
        </Button>
      ))}
    </div>
  )
}
