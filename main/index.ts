// Electron entry point. Kept thin: the composition root lives in main/app/.
import { startDesktopApp } from './app/desktop'

startDesktopApp().catch((err: unknown) => {
  console.error('P2Engine failed to start:', err)
  process.exit(1)
})
