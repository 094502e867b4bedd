import { useEffect, useState } from 'react'
import { useImportStore } from '../store'

const hasFiles = (e: DragEvent): boolean => Array.from(e.dataTransfer?.types ?? []).includes('Files')

/** Drag-and-drop anywhere in the window: a full-window overlay while files are dragged; a drop opens the import dialog. */
export function DropOverlay() {
  const [over, setOver] = useState(false)
  const open = useImportStore((s) => s.open)
  useEffect(() => {
    let depth = 0
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return
      e.preventDefault()
      depth++
      setOver(true)
    }
    const overFn = (e: DragEvent) => {
      if (!hasFiles(e)) return
      e.preventDefault()
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy'
    }
    const leave = () => {
      depth = Math.max(0, depth - 1)
      if (depth === 0) setOver(false)
    }
    const drop = (e: DragEvent) => {
      const file = e.dataTransfer?.files?.[0]
      depth = 0
      setOver(false)
      if (!file) return
      e.preventDefault()
      void open(file)
    }
    window.addEventListener('dragenter', enter)
    window.addEventListener('dragover', overFn)
    window.addEventListener('dragleave', leave)
    window.addEventListener('drop', drop)
    return () => {
      window.removeEventListener('dragenter', enter)
      window.removeEventListener('dragover', overFn)
      window.removeEventListener('dragleave', leave)
      window.removeEventListener('drop', drop)
    }
  }, [open])
  if (!over) return null
  return (
    <div className="bundle-drop" data-testid="bundle-drop-overlay" aria-hidden="true">
      <div className="bundle-drop-box">Drop a .p2bundle file to preview and import it</div>
    </div>
  )
}
