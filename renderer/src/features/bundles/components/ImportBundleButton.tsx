import { useRef } from 'react'
import { Button } from '../../../shared/ui'
import { useImportStore } from '../store'

/** "Import bundle": a file chooser for .p2bundle files; the import dialog previews before importing. */
export function ImportBundleButton() {
  const input = useRef<HTMLInputElement>(null)
  const open = useImportStore((s) => s.open)
  return (
    <>
      <Button variant="ghost" onClick={() => input.current?.click()} title="Import a .p2bundle file (or drop one anywhere in the window)">
        Import bundle
      </Button>
      <input
        ref={input}
        type="file"
        accept=".p2bundle,application/zip"
        hidden
        data-testid="bundle-file-input"
        onChange={(e) => {
          const file = e.target.files?.[0]
          e.target.value = ''
          if (file) void open(file)
        }}
      />
    </>
  )
}
