import { useRef } from 'react'
import { Button } from '../../../shared/ui'
import { bundlesApi } from '../api'
import { useImportStore } from '../store'

/** "Import bundle": a file chooser for .p2bundle files; the import dialog previews before importing. */
export function ImportBundleButton() {
  const input = useRef<HTMLInputElement>(null)
  const open = useImportStore((s) => s.open)
  const openPath = useImportStore((s) => s.openPath)
  const choose = async () => {
    // Desktop: the native open dialog; browser: the file chooser (an upload).
    if (!bundlesApi.nativeDialogs()) return input.current?.click()
    const path = await bundlesApi.chooseBundleToOpen()
    if (path) await openPath(path)
  }
  return (
    <>
      <Button variant="ghost" onClick={() => void choose()} title="Import a .p2bundle file (or drop one anywhere in the window)">
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
